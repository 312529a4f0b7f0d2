using System.Globalization;
using System.Numerics;
using ChurnActors.Records;
using Orleans.Runtime;
using Orleans.Streams;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// A queue-local order (for Orleans' cache) plus where the batch came from in Kinesis: the shard and
/// the sequence number of its last record, which stay the same when the batch is read again.
/// </summary>
[GenerateSerializer, Immutable, Alias("churn.kinesis-sequence-token")]
public sealed class KinesisSequenceToken(long sequenceNumber, int eventIndex, string shardId, string kinesisSequenceNumber)
    : StreamSequenceToken, IReplayablePosition
{
    [Id(0)]
    public override long SequenceNumber { get; protected set; } = sequenceNumber;

    [Id(1)]
    public override int EventIndex { get; protected set; } = eventIndex;

    [Id(2)]
    public string ShardId { get; } = shardId;

    [Id(3)]
    public string KinesisSequenceNumber { get; } = kinesisSequenceNumber;

    public string Source => ShardId;

    public BigInteger Offset => BigInteger.Parse(KinesisSequenceNumber, CultureInfo.InvariantCulture);

    public KinesisSequenceToken ForEvent(int index) => new(SequenceNumber, index, ShardId, KinesisSequenceNumber);

    public override bool Equals(StreamSequenceToken? other) =>
        other is KinesisSequenceToken token && token.SequenceNumber == SequenceNumber && token.EventIndex == EventIndex;

    public override bool Equals(object? obj) => Equals(obj as StreamSequenceToken);

    public override int GetHashCode() => HashCode.Combine(SequenceNumber, EventIndex);

    public override int CompareTo(StreamSequenceToken? other) => other switch
    {
        null => 1,
        _ when SequenceNumber != other.SequenceNumber => SequenceNumber.CompareTo(other.SequenceNumber),
        _ => EventIndex.CompareTo(other.EventIndex),
    };

    public override string ToString() => $"[{SequenceNumber}:{EventIndex} {ShardId}@{KinesisSequenceNumber}]";
}

/// <summary>Events of one stream from one read of a shard.</summary>
[GenerateSerializer, Alias("churn.kinesis-batch")]
public sealed class KinesisBatchContainer(StreamId streamId, List<object> events, Dictionary<string, object>? requestContext, KinesisSequenceToken token)
    : IBatchContainer
{
    [Id(0)]
    public StreamId StreamId { get; } = streamId;

    [Id(1)]
    public List<object> Events { get; } = events;

    [Id(2)]
    public Dictionary<string, object>? RequestContext { get; } = requestContext;

    [Id(3)]
    public KinesisSequenceToken Token { get; } = token;

    public StreamSequenceToken SequenceToken => Token;

    public IEnumerable<Tuple<T, StreamSequenceToken>> GetEvents<T>() =>
        Events.Select((item, index) => (item, index))
            .Where(e => e.item is T)
            .Select(e => Tuple.Create((T)e.item, (StreamSequenceToken)Token.ForEvent(e.index)));

    public bool ImportRequestContext()
    {
        if (RequestContext is null)
        {
            return false;
        }

        foreach (var (key, value) in RequestContext)
        {
            Orleans.Runtime.RequestContext.Set(key, value);
        }

        return true;
    }

    /// <summary>Probe streams are keyed by msisdn: masked, like every phone number in the logs.</summary>
    public override string ToString() => $"KinesisBatch({StreamId.GetNamespace()}/{Msisdns.Mask(StreamId.GetKeyAsString())}, {Events.Count} events, {Token})";
}

/// <summary>What one stream gets from one read of a shard, as a decoder makes it.</summary>
public sealed record KinesisDelivery(StreamId StreamId, List<object> Events, Dictionary<string, object>? RequestContext, string LastSequenceNumber);
