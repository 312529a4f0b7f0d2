using System.Collections.Immutable;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Ingest;
using ChurnActors.Grains.Stats;
using ChurnActors.Records;
using Orleans.Runtime;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// Probe events as the probe system writes them: one plain JSON object per record, read by the same
/// <see cref="ProbeIntake"/> as the HTTP batches. The valid ones of a read are grouped per subscriber
/// (one grain call for all of them); a record that is not a valid event, whatever its bytes, goes to
/// the rejected table with its reason and never holds up its shard.
/// </summary>
public sealed class ProbeRecordDecoder(IRecordPublisher records, ChurnCounters counters, TimeProvider time) : IKinesisRecordDecoder
{
    public async Task<IReadOnlyList<KinesisDelivery>> DecodeAsync(string streamName, string shardId, IReadOnlyList<KinesisRecord> kinesisRecords, CancellationToken cancellationToken)
    {
        var intake = new ProbeIntake(time.GetUtcNow());
        var lastOf = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 0; index < kinesisRecords.Count; index++)
        {
            var record = kinesisRecords[index];
            if (intake.Add(record.Data, index, RejectedSources.FromStream(streamName, shardId, record.SequenceNumber)) is { } probe)
            {
                lastOf[probe.Msisdn] = record.SequenceNumber;
            }
        }

        // Rejections are on the record stream before the read is handed on, so none is lost when the checkpoint passes them.
        // One shard's rejections go to one archiver, which recognises those rejected again after a replay.
        await intake.ArchiveRejectedAndCountAsync(records, $"{streamName}/{shardId}", counters);
        return intake.BySubscriber()
            .Select(s => new KinesisDelivery(StreamId.Create(ProbeStreams.Namespace, s.Msisdn), [s.Events], null, lastOf[s.Msisdn]))
            .ToList();
    }
}
