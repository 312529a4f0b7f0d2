using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Stats;
using ChurnActors.Records;
using Orleans.Concurrency;

namespace ChurnActors.Grains.Ingest;

/// <summary>
/// Validates a batch of raw probe events, routes the valid ones to their subscribers (one call per
/// subscriber per batch) and archives the rejected ones with their reason and payload. Stateless:
/// Orleans runs as many as the silo's cores need.
/// </summary>
[StatelessWorker]
public sealed class ProbeIngestGrain(ChurnCounters counters, IRecordPublisher records, GrainReferences references, TimeProvider time) : Grain, IProbeIngestGrain
{
    public async Task<ProbeBatchResult> IngestAsync(ProbePayloads payloads, string source)
    {
        var intake = new ProbeIntake(time.GetUtcNow());
        for (var index = 0; index < payloads.Items.Length; index++)
        {
            intake.Add(payloads.Items[index].Span, index, source);
        }

        await Task.WhenAll(intake.BySubscriber().Select(s => references.Subscriber(s.Msisdn).RecordEventsAsync(s.Events)));

        // Archived before the batch is answered, so none is dropped silently; and after the subscribers
        // took theirs, so a sender retrying a failed batch finds its events absorbed by event id and
        // its rejections not yet in the lake twice.
        if (intake.RejectedRecords.Count > 0)
        {
            // Rejections belong to no subscriber: any partition will do.
            await records.PublishAsync(Guid.NewGuid().ToString("N"), new RecordBatch(intake.RejectedRecords));
        }

        counters.EventsAccepted(intake.Accepted);
        counters.EventsRejected(intake.Rejections.Count);
        return new ProbeBatchResult(intake.Accepted, intake.Rejections);
    }
}
