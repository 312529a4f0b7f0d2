using System.Collections.Immutable;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Stats;
using ChurnActors.Records;

namespace ChurnActors.Grains.Ingest;

/// <summary>
/// What every ingest path does with raw probe events, whichever transport brought them (an HTTP
/// batch, a read of the Kinesis probe stream): read each strictly, group the valid ones per
/// subscriber (one grain call for all of a subscriber's events), and turn each refused one into a
/// reason for the sender and a bounded record for the lake's <c>rejected/</c> table.
/// </summary>
public sealed class ProbeIntake(DateTimeOffset now)
{
    private readonly Dictionary<string, ImmutableArray<ProbeEvent>.Builder> _bySubscriber = new(StringComparer.Ordinal);

    public int Accepted { get; private set; }

    /// <summary>Per refused event, its index in the input and the reason.</summary>
    public List<ProbeRejection> Rejections { get; } = [];

    /// <summary>The refused events as lake records, in input order.</summary>
    public List<ChurnRecord> RejectedRecords { get; } = [];

    public int Subscribers => _bySubscriber.Count;

    /// <summary>Reads one event; the valid one is returned (and grouped), a refused one recorded.</summary>
    /// <param name="index">Its position in the input, for the sender.</param>
    /// <param name="source">Where it came from, for the lake (<c>http</c>, <c>kinesis:{stream}/{shard}/{sequence}</c>).</param>
    public ProbeEvent? Add(ReadOnlySpan<byte> payload, int index, string source)
    {
        ProbeEvent? probe;
        string reason;
        try
        {
            ProbeEventReader.TryRead(payload, now, out probe, out reason);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The reader turns every fault of the bytes into a reason; should one still escape, the
            // event is refused with it rather than holding up the batch or the shard it came in.
            (probe, reason) = (null, $"could not be read ({exception.GetType().Name})");
        }

        if (probe is null)
        {
            Rejections.Add(new ProbeRejection(index, reason));
            RejectedRecords.Add(RejectedRecord.Of(now, source, reason, payload));
            return null;
        }

        if (!_bySubscriber.TryGetValue(probe.Msisdn, out var events))
        {
            _bySubscriber[probe.Msisdn] = events = ImmutableArray.CreateBuilder<ProbeEvent>();
        }

        events.Add(probe);
        Accepted++;
        return probe;
    }

    /// <summary>
    /// Puts the refused events on the record stream, under <paramref name="partitionKey"/> (one
    /// source's rejections to one archiver), and counts the input. Done before the input is
    /// acknowledged (a batch answered, a read checkpointed), so no refusal is dropped silently.
    /// </summary>
    public async Task ArchiveRejectedAndCountAsync(IRecordPublisher records, string partitionKey, ChurnCounters counters)
    {
        if (RejectedRecords.Count > 0)
        {
            await records.PublishAsync(partitionKey, new RecordBatch(RejectedRecords));
        }

        counters.EventsAccepted(Accepted);
        foreach (var rejection in Rejections)
        {
            counters.EventRejected(rejection.Reason);
        }
    }

    /// <summary>Each subscriber's events, in the order they came.</summary>
    public IEnumerable<(string Msisdn, ImmutableArray<ProbeEvent> Events)> BySubscriber() =>
        _bySubscriber.Select(s => (s.Key, s.Value.ToImmutable()));
}
