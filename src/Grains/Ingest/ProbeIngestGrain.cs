using System.Collections.Immutable;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Stats;
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
    internal const int CallsInFlight = 64;

    public async Task<ProbeBatchResult> IngestAsync(ProbePayloads payloads, string source)
    {
        var intake = new ProbeIntake(time.GetUtcNow());
        for (var index = 0; index < payloads.Items.Length; index++)
        {
            intake.Add(payloads.Items[index].Span, index, source);
        }

        await DeliverAsync([.. intake.BySubscriber()]);

        // Archived before the batch is answered, so none is dropped silently; and after the subscribers
        // took theirs, so a sender retrying a failed batch finds its events absorbed by event id and
        // its rejections not yet in the lake twice.
        // Rejections belong to no subscriber: any partition will do.
        await intake.ArchiveRejectedAndCountAsync(records, Guid.NewGuid().ToString("N"), counters);
        return new ProbeBatchResult(intake.Accepted, intake.Rejections);
    }

    /// <summary>
    /// At most <see cref="CallsInFlight"/> subscriber calls of a batch at once: a batch of thousands put
    /// on the scheduler at once makes every other message (an offer to dispatch, a clearance) wait
    /// behind all of them; a window keeps that wait to a few calls' time and the cores still busy.
    /// The loops run on this activation's one scheduler, so the shared index needs no lock.
    /// </summary>
    private async Task DeliverAsync((string Msisdn, ImmutableArray<ProbeEvent> Events)[] subscribers)
    {
        var next = 0;
        async Task DeliverNextAsync()
        {
            while (next < subscribers.Length)
            {
                var (msisdn, events) = subscribers[next++];
                await references.Subscriber(msisdn).RecordEventsAsync(events);
            }
        }

        var loops = new Task[Math.Min(CallsInFlight, subscribers.Length)];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = DeliverNextAsync();
        }

        await Task.WhenAll(loops);
    }
}
