using System.Collections.Immutable;
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
public sealed class ProbeIngestGrain(ChurnCounters counters, IRecordPublisher records, TimeProvider time) : Grain, IProbeIngestGrain
{
    public async Task<ProbeBatchResult> IngestAsync(ImmutableArray<string> rawEvents, string source)
    {
        var now = time.GetUtcNow();
        var rejected = new List<ProbeRejection>();
        var rejectedRecords = new List<ChurnRecord>();
        var bySubscriber = new Dictionary<string, ImmutableArray<ProbeEvent>.Builder>(StringComparer.Ordinal);
        for (var index = 0; index < rawEvents.Length; index++)
        {
            if (ProbeEventParser.TryParse(rawEvents[index], now, out var probe, out var reason))
            {
                if (!bySubscriber.TryGetValue(probe!.Msisdn, out var events))
                {
                    bySubscriber[probe.Msisdn] = events = ImmutableArray.CreateBuilder<ProbeEvent>();
                }

                events.Add(probe);
            }
            else
            {
                rejected.Add(new ProbeRejection(index, reason));
                rejectedRecords.Add(new RejectedRecord(now, source, reason, rawEvents[index]));
            }
        }

        // Rejections are archived before the batch is answered, so none is dropped silently.
        if (rejectedRecords.Count > 0)
        {
            // Rejections belong to no subscriber: any partition will do.
            await records.PublishAsync(Guid.NewGuid().ToString("N"), new RecordBatch(rejectedRecords));
        }

        var calls = new List<Task<IngestResult>>(bySubscriber.Count);
        foreach (var (msisdn, events) in bySubscriber)
        {
            calls.Add(GrainFactory.GetGrain<ISubscriberGrain>(msisdn).RecordEventsAsync(events.ToImmutable()));
        }

        await Task.WhenAll(calls);
        var accepted = rawEvents.Length - rejected.Count;
        counters.EventsAccepted(accepted);
        counters.EventsRejected(rejected.Count);
        return new ProbeBatchResult(accepted, rejected);
    }
}
