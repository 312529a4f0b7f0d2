using System.Collections.Immutable;
using System.Text;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Ingest;
using ChurnActors.Grains.Stats;
using ChurnActors.Records;
using Orleans.Runtime;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// Probe events as the probe system writes them: one plain JSON object (SPEC §2) per record. The
/// valid ones of a read are grouped per subscriber (one grain call for all of them); a record that is
/// not a valid event goes to the rejected table with its reason and never holds up its shard.
/// </summary>
public sealed class ProbeRecordDecoder(IRecordPublisher records, ChurnCounters counters, TimeProvider time) : IKinesisRecordDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public async Task<IReadOnlyList<KinesisDelivery>> DecodeAsync(string streamName, string shardId, IReadOnlyList<KinesisRecord> kinesisRecords, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var bySubscriber = new Dictionary<string, (ImmutableArray<ProbeEvent>.Builder Events, string Last)>(StringComparer.Ordinal);
        var rejected = new List<ChurnRecord>();
        foreach (var record in kinesisRecords)
        {
            string text;
            try
            {
                text = StrictUtf8.GetString(record.Data);
            }
            catch (DecoderFallbackException)
            {
                rejected.Add(new RejectedRecord(now, Source(streamName, shardId, record), "the record is not UTF-8 text", Convert.ToBase64String(record.Data)));
                continue;
            }

            if (!ProbeEventParser.TryParse(text, now, out var probe, out var reason))
            {
                rejected.Add(new RejectedRecord(now, Source(streamName, shardId, record), reason, text));
                continue;
            }

            if (!bySubscriber.TryGetValue(probe!.Msisdn, out var group))
            {
                group = (ImmutableArray.CreateBuilder<ProbeEvent>(), record.SequenceNumber);
            }

            group.Events.Add(probe);
            bySubscriber[probe.Msisdn] = (group.Events, record.SequenceNumber);
        }

        // Rejections are on the record stream before the read is handed on, so none is lost when the checkpoint passes them.
        // One shard's rejections go to one archiver, which recognises those rejected again after a replay.
        if (rejected.Count > 0)
        {
            await records.PublishAsync($"{streamName}/{shardId}", new RecordBatch(rejected));
        }

        counters.EventsRejected(rejected.Count);
        counters.EventsAccepted(kinesisRecords.Count - rejected.Count);
        return bySubscriber
            .Select(s => new KinesisDelivery(StreamId.Create(ProbeStreams.Namespace, s.Key), [s.Value.Events.ToImmutable()], null, s.Value.Last))
            .ToList();
    }

    private static string Source(string streamName, string shardId, KinesisRecord record) =>
        RejectedSources.FromStream(streamName, shardId, record.SequenceNumber);
}
