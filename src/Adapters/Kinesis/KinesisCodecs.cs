using Orleans.Runtime;
using Orleans.Serialization;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>Turns the records of one read of a shard into deliveries.</summary>
public interface IKinesisRecordDecoder
{
    /// <summary>
    /// Decodes <paramref name="records"/> (in shard order). A record it cannot decode it must record
    /// durably (the rejected table) before returning, because the shard's checkpoint will pass it.
    /// </summary>
    Task<IReadOnlyList<KinesisDelivery>> DecodeAsync(string streamName, string shardId, IReadOnlyList<KinesisRecord> records, CancellationToken cancellationToken);
}

/// <summary>Turns events Orleans produces on a stream into one Kinesis record.</summary>
public interface IKinesisRecordEncoder
{
    KinesisRecordToPut Encode<T>(StreamId streamId, IEnumerable<T> events, Dictionary<string, object>? requestContext);
}

/// <summary>Runs before a checkpoint is written: whatever consumers buffer must be durable by then.</summary>
public interface IKinesisCheckpointBarrier
{
    /// <summary>
    /// Makes durable what consumers took from the records delivered so far. True: the checkpoint may
    /// pass them. False: some of it may be lost (a consumer's silo died, a write was lost): the
    /// checkpoint stays, and the shard is read again from it. Throws if it cannot tell yet (try later).
    /// </summary>
    Task<bool> BeforeCheckpointAsync(CancellationToken cancellationToken);

    /// <summary>The barrier one receiver uses (a barrier that remembers what it saw keeps that per receiver).</summary>
    IKinesisCheckpointBarrier ForReceiver() => this;
}

/// <summary>What an Orleans-produced record carries.</summary>
[GenerateSerializer, Alias("churn.kinesis-payload")]
public sealed record KinesisPayload(
    [property: Id(0)] StreamId StreamId,
    [property: Id(1)] List<object> Events,
    [property: Id(2)] Dictionary<string, object>? RequestContext);

/// <summary>
/// Records written and read by Orleans itself (the record stream): Orleans' binary serialization, the
/// stream key as partition key so one stream's events stay in order on one shard.
/// </summary>
public sealed class OrleansKinesisCodec(Serializer<KinesisPayload> serializer) : IKinesisRecordEncoder, IKinesisRecordDecoder
{
    public KinesisRecordToPut Encode<T>(StreamId streamId, IEnumerable<T> events, Dictionary<string, object>? requestContext)
    {
        var payload = new KinesisPayload(streamId, events.Cast<object>().ToList(), requestContext);
        return new KinesisRecordToPut(serializer.SerializeToArray(payload), streamId.GetKeyAsString());
    }

    public Task<IReadOnlyList<KinesisDelivery>> DecodeAsync(string streamName, string shardId, IReadOnlyList<KinesisRecord> records, CancellationToken cancellationToken)
    {
        var deliveries = new List<KinesisDelivery>(records.Count);
        foreach (var record in records)
        {
            // Only this codec writes this stream: a record it cannot read is a bug to stop on, not input to skip.
            var payload = serializer.Deserialize(record.Data)
                ?? throw new InvalidOperationException($"Record {record.SequenceNumber} of shard {shardId} of stream '{streamName}' holds no payload.");
            deliveries.Add(new KinesisDelivery(payload.StreamId, payload.Events, payload.RequestContext, record.SequenceNumber));
        }

        return Task.FromResult<IReadOnlyList<KinesisDelivery>>(deliveries);
    }
}
