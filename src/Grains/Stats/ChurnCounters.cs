using ChurnActors.Grains.Ingest;
using ChurnActors.Grains.Rules;
using ChurnActors.Telemetry;

namespace ChurnActors.Grains.Stats;

/// <summary>
/// This silo's counters since it last reported. Grains count here without a grain call; the
/// <see cref="StatsReporter"/> drains them into the cluster-wide <see cref="IStatsGrain"/> (the page's
/// <c>/api/v1/stats</c>). Every count goes to the matching instrument of <see cref="ChurnMetrics"/> in
/// the same call, so what Prometheus adds up over the silos and what the stats API shows never
/// disagree.
/// </summary>
public sealed class ChurnCounters(ChurnMetrics metrics)
{
    private static readonly int StatusCount = Enum.GetValues<EngagementStatus>().Length;
    private static readonly KeyValuePair<string, object?> Accepted = new("churn.outcome", "accepted");
    private static readonly KeyValuePair<string, object?> Rejected = new("churn.outcome", "rejected");
    private static readonly KeyValuePair<string, object?> Duplicate = new("churn.outcome", "duplicate");
    private static readonly KeyValuePair<string, object?>[] From = Tags("churn.from");
    private static readonly KeyValuePair<string, object?>[] To = Tags("churn.to");
    private static readonly KeyValuePair<string, object?> FromNone = new("churn.from", "none");

    /// <summary>Counters of their own, for code that runs without a host (tests, tools).</summary>
    public ChurnCounters()
        : this(new ChurnMetrics())
    {
    }

    private long _eventsAccepted;
    private long _eventsRejected;
    private long _eventsDuplicate;
    private long _callsPlaced;
    private long _feedbackReceived;
    private readonly long[] _engagements = new long[StatusCount];

    public void EventsAccepted(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _eventsAccepted, count);
            metrics.ProbeEvents.Add(count, Accepted);
        }
    }

    /// <summary>One event refused, with the reason it was given (counted by the reason's class).</summary>
    public void EventRejected(string reason)
    {
        Interlocked.Increment(ref _eventsRejected);
        metrics.ProbeEvents.Add(1, Rejected, new KeyValuePair<string, object?>("churn.reason", RejectionClass.Of(reason)));
    }

    public void EventsDuplicate(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _eventsDuplicate, count);
            metrics.ProbeEvents.Add(count, Duplicate);
        }
    }

    public void CallsPlaced(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _callsPlaced, count);
            metrics.CallsPlaced.Add(count);
        }
    }

    public void FeedbackReceived(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _feedbackReceived, count);
            metrics.FeedbackRecorded.Add(count);
        }
    }

    /// <summary>An engagement moved from one status to another (from null: it was just decided).</summary>
    public void EngagementMoved(EngagementStatus? from, EngagementStatus to)
    {
        if (from is { } previous)
        {
            Interlocked.Decrement(ref _engagements[(int)previous]);
        }

        Interlocked.Increment(ref _engagements[(int)to]);
        metrics.EngagementTransitions.Add(1, from is { } f ? From[(int)f] : FromNone, To[(int)to]);
    }

    /// <summary>The contact policy decided on an exceeded threshold.</summary>
    public void Decided(DecisionClass decision) =>
        metrics.Decisions.Add(1, new KeyValuePair<string, object?>("churn.outcome", decision.Outcome()), new KeyValuePair<string, object?>("churn.reason", decision.ToWire()));

    /// <summary>An answer was taken <paramref name="afterDecision"/> after its engagement was decided.</summary>
    public void Answered(TimeSpan afterDecision) => metrics.DecisionToAnswer.Record(afterDecision.TotalSeconds);

    private static KeyValuePair<string, object?>[] Tags(string key) =>
        [.. Enum.GetValues<EngagementStatus>().OrderBy(s => (int)s).Select(s => new KeyValuePair<string, object?>(key, s.ToWire()))];

    /// <summary>Takes everything counted since the last drain; null if nothing was.</summary>
    public StatsDelta? Drain()
    {
        var byStatus = new Dictionary<string, long>();
        for (var i = 0; i < StatusCount; i++)
        {
            var moved = Interlocked.Exchange(ref _engagements[i], 0);
            if (moved != 0)
            {
                byStatus[((EngagementStatus)i).ToWire()] = moved;
            }
        }

        var delta = new StatsDelta(
            Interlocked.Exchange(ref _eventsAccepted, 0),
            Interlocked.Exchange(ref _eventsRejected, 0),
            Interlocked.Exchange(ref _eventsDuplicate, 0),
            byStatus,
            Interlocked.Exchange(ref _callsPlaced, 0),
            Interlocked.Exchange(ref _feedbackReceived, 0));
        return delta.IsEmpty ? null : delta;
    }
}
