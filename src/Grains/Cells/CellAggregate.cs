namespace ChurnActors.Grains.Cells;

/// <summary>
/// One cell's aggregates: incidents by type and distinct affected subscribers over the last 24 hours
/// (hourly buckets; exact up to <see cref="ExactSubscriberLimit"/> subscribers, then HyperLogLog per
/// hour), feedback and change in sentiment since start, and the most affected subscribers.
/// </summary>
[GenerateSerializer, Alias("churn.cell-aggregate")]
public sealed class CellAggregate
{
    public const int ExactSubscriberLimit = 2_000;
    private const int Hours = 24;
    internal static readonly TimeSpan Period = TimeSpan.FromHours(Hours);

    /// <summary>Per hour of the last day: the hour (unix hours) and incidents by type.</summary>
    [Id(0)] private long[] _hourStamps = new long[Hours];

    [Id(1)] private long[][] _hourIncidents = Enumerable.Range(0, Hours).Select(_ => new long[IncidentTypes.Count]).ToArray();

    /// <summary>Exact mode: every affected subscriber. Sketch mode: the most affected only (bounded).</summary>
    [Id(2)] private Dictionary<string, SubscriberTally> _subscribers = new(StringComparer.Ordinal);

    /// <summary>Null in exact mode; per hour in sketch mode.</summary>
    [Id(3)] private DistinctSketch?[]? _hourSketches;

    [Id(4)] public long Feedback { get; private set; }

    [Id(5)] public long ChangeSentiment { get; private set; }

    public bool Estimated => _hourSketches is not null;

    public void AddIncidents(string msisdn, DateTimeOffset at, ReadOnlySpan<int> byType, DateTimeOffset now)
    {
        if (now - at >= Period)
        {
            return;
        }

        var hour = UnixHour(at);
        var slot = (int)(hour % Hours);
        if (_hourStamps[slot] != hour)
        {
            if (_hourStamps[slot] > hour)
            {
                // The slot already holds a newer hour: this one has left the ring.
                return;
            }

            _hourStamps[slot] = hour;
            Array.Clear(_hourIncidents[slot]);
            if (_hourSketches is not null)
            {
                _hourSketches[slot] = null;
            }
        }

        long total = 0;
        for (var type = 0; type < IncidentTypes.Count; type++)
        {
            _hourIncidents[slot][type] += byType[type];
            total += byType[type];
        }

        var tally = _subscribers.GetValueOrDefault(msisdn);
        _subscribers[msisdn] = new SubscriberTally(
            (tally?.Incidents ?? 0) + total,
            tally?.ChangeSentiment ?? 0,
            tally is null || tally.LastIncidentAt < at ? at : tally.LastIncidentAt);

        if (_hourSketches is not null)
        {
            (_hourSketches[slot] ??= new DistinctSketch()).Add(msisdn);
        }

        Bound(now);
    }

    public void AddSentiment(string msisdn, int change, DateTimeOffset at)
    {
        Feedback++;
        ChangeSentiment += change;
        if (_subscribers.TryGetValue(msisdn, out var tally))
        {
            _subscribers[msisdn] = tally with { ChangeSentiment = tally.ChangeSentiment + change };
        }
        else
        {
            _subscribers[msisdn] = new SubscriberTally(0, change, at);
        }
    }

    public long DistinctSubscribers(DateTimeOffset now)
    {
        if (_hourSketches is null)
        {
            return _subscribers.Values.Count(t => t.Incidents > 0 && now - t.LastIncidentAt < Period);
        }

        var merged = new DistinctSketch();
        for (var slot = 0; slot < Hours; slot++)
        {
            if (IsCurrent(slot, now) && _hourSketches[slot] is { } sketch)
            {
                merged.Merge(sketch);
            }
        }

        return merged.Estimate();
    }

    public long[] IncidentsByType(DateTimeOffset now)
    {
        var totals = new long[IncidentTypes.Count];
        for (var slot = 0; slot < Hours; slot++)
        {
            if (IsCurrent(slot, now))
            {
                for (var type = 0; type < IncidentTypes.Count; type++)
                {
                    totals[type] += _hourIncidents[slot][type];
                }
            }
        }

        return totals;
    }

    public double MeanChangeSentiment => Feedback == 0 ? 0 : (double)ChangeSentiment / Feedback;

    /// <summary>
    /// Where operations should look first: distinct affected subscribers, weighted by how much
    /// goodwill the cell costs them (mean change in sentiment is 0 to −2 with the seed mapping).
    /// </summary>
    public static double Priority(long subscribers, double meanChangeSentiment) =>
        subscribers * (1 + Math.Max(0, -meanChangeSentiment));

    public CellSummary Summarize(string cell, DateTimeOffset now)
    {
        var byType = IncidentsByType(now);
        var subscribers = DistinctSubscribers(now);
        return new CellSummary(
            cell,
            subscribers,
            byType.Sum(),
            IncidentTypes.All.ToDictionary(t => t.ToWire(), t => byType[(int)t]),
            Feedback,
            ChangeSentiment,
            MeanChangeSentiment,
            Priority(subscribers, MeanChangeSentiment),
            Estimated,
            now);
    }

    public IReadOnlyList<CellSubscriber> MostAffected(int count, DateTimeOffset now) => _subscribers
        .Where(s => s.Value.Incidents > 0 ? now - s.Value.LastIncidentAt < Period : s.Value.ChangeSentiment != 0)
        .OrderBy(s => s.Value.ChangeSentiment)
        .ThenByDescending(s => s.Value.Incidents)
        .ThenBy(s => s.Key, StringComparer.Ordinal)
        .Take(count)
        .Select(s => new CellSubscriber(s.Key, s.Value.Incidents, s.Value.ChangeSentiment, s.Value.LastIncidentAt))
        .ToList();

    private void Bound(DateTimeOffset now)
    {
        if (_subscribers.Count <= ExactSubscriberLimit)
        {
            return;
        }

        // Forget subscribers whose last incident left the day and who gave no feedback here.
        foreach (var (msisdn, tally) in _subscribers.Where(s => now - s.Value.LastIncidentAt >= Period && s.Value.ChangeSentiment == 0).ToList())
        {
            _subscribers.Remove(msisdn);
        }

        if (_subscribers.Count <= ExactSubscriberLimit)
        {
            return;
        }

        if (_hourSketches is null)
        {
            // Switch to the sketch: seed each hour's sketch with the subscribers last seen in it.
            _hourSketches = new DistinctSketch?[Hours];
            foreach (var (msisdn, tally) in _subscribers)
            {
                if (tally.Incidents > 0 && now - tally.LastIncidentAt < Period)
                {
                    var slot = (int)(UnixHour(tally.LastIncidentAt) % Hours);
                    (_hourSketches[slot] ??= new DistinctSketch()).Add(msisdn);
                }
            }
        }

        // Keep only the most affected: the least affected half goes.
        var keep = _subscribers
            .OrderBy(s => s.Value.ChangeSentiment)
            .ThenByDescending(s => s.Value.Incidents)
            .Take(ExactSubscriberLimit / 2)
            .Select(s => s.Key)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var msisdn in _subscribers.Keys.Where(k => !keep.Contains(k)).ToList())
        {
            _subscribers.Remove(msisdn);
        }
    }

    private bool IsCurrent(int slot, DateTimeOffset now) => UnixHour(now) - _hourStamps[slot] < Hours;

    private static long UnixHour(DateTimeOffset at) => at.ToUnixTimeSeconds() / 3600;
}

[GenerateSerializer, Immutable, Alias("churn.cell-subscriber-tally")]
public sealed record SubscriberTally(
    [property: Id(0)] long Incidents,
    [property: Id(1)] long ChangeSentiment,
    [property: Id(2)] DateTimeOffset LastIncidentAt);
