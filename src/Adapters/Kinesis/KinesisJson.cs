using System.Numerics;
using System.Text.Json.Serialization;

namespace ChurnActors.Adapters.Kinesis;

// The JSON 1.1 shapes of the calls KinesisClient makes; blobs travel as base64, which byte[] is in System.Text.Json.
public sealed record CreateStreamRequest(string StreamName, int ShardCount);

public sealed record StreamRequest(string StreamName);

public sealed record DescribeStreamSummaryResponse(StreamSummary StreamDescriptionSummary);

public sealed record StreamSummary(string StreamName, string StreamARN, string StreamStatus, int OpenShardCount);

public sealed record ListShardsRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StreamName,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? NextToken,
    int MaxResults);

public sealed record ListShardsResponse(IReadOnlyList<KinesisShard>? Shards, string? NextToken);

/// <summary>A shard and its lineage: a split or merge closes its parents (they get an ending sequence number).</summary>
public sealed record KinesisShard(string ShardId, string? ParentShardId, string? AdjacentParentShardId, HashKeyRange HashKeyRange, SequenceNumberRange SequenceNumberRange)
{
    public bool IsClosed => SequenceNumberRange.EndingSequenceNumber is not null;

    /// <summary>Whether a partition key's MD5 hash (as Kinesis maps keys to shards) falls in this shard's range.</summary>
    public bool Covers(BigInteger hashKey) =>
        BigInteger.Parse(HashKeyRange.StartingHashKey, System.Globalization.CultureInfo.InvariantCulture) <= hashKey
        && hashKey <= BigInteger.Parse(HashKeyRange.EndingHashKey, System.Globalization.CultureInfo.InvariantCulture);
}

public sealed record HashKeyRange(string StartingHashKey, string EndingHashKey);

public sealed record SequenceNumberRange(string StartingSequenceNumber, string? EndingSequenceNumber);

public sealed record GetShardIteratorRequest(
    string StreamName,
    string ShardId,
    string ShardIteratorType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StartingSequenceNumber);

public sealed record GetShardIteratorResponse(string ShardIterator);

public sealed record GetRecordsRequest(string ShardIterator, int Limit);

public sealed record GetRecordsResponse(IReadOnlyList<KinesisRecord>? Records, string? NextShardIterator, long? MillisBehindLatest);

/// <summary>A record as read: its bytes, its partition key and its position in the shard.</summary>
public sealed record KinesisRecord(string SequenceNumber, string PartitionKey, byte[] Data, double? ApproximateArrivalTimestamp);

public sealed record PutRecordsRequest(string StreamName, IReadOnlyList<PutRecordsEntry> Records);

public sealed record PutRecordsEntry(
    byte[] Data,
    string PartitionKey,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ExplicitHashKey);

public sealed record PutRecordsResponse(int? FailedRecordCount, IReadOnlyList<PutRecordsResultEntry> Records);

public sealed record PutRecordsResultEntry(string? SequenceNumber, string? ShardId, string? ErrorCode, string? ErrorMessage);

[JsonSerializable(typeof(CreateStreamRequest))]
[JsonSerializable(typeof(StreamRequest))]
[JsonSerializable(typeof(DescribeStreamSummaryResponse))]
[JsonSerializable(typeof(ListShardsRequest))]
[JsonSerializable(typeof(ListShardsResponse))]
[JsonSerializable(typeof(GetShardIteratorRequest))]
[JsonSerializable(typeof(GetShardIteratorResponse))]
[JsonSerializable(typeof(GetRecordsRequest))]
[JsonSerializable(typeof(GetRecordsResponse))]
[JsonSerializable(typeof(PutRecordsRequest))]
[JsonSerializable(typeof(PutRecordsResponse))]
internal sealed partial class KinesisJson : JsonSerializerContext;
