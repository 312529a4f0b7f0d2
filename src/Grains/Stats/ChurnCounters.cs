namespace ChurnActors.Grains.Stats;

/// <summary>
/// This silo's counters since it last reported. Grains count here without a grain call; the
/// <see cref="StatsReporter"/> drains them into the cluster-wide <see cref="IStatsGrain"/>.
/// </summary>
public sealed class ChurnCounters
{
    private static readonly int StatusCount = Enum.GetValues<EngagementStatus>().Length;

    private long _eventsAccepted;
    private long _eventsRejected;
    private long _eventsDuplicate;
    private long _callsPlaced;
    private long _feedbackReceived;
    private readonly long[] _engagements = new long[StatusCount];

    public void EventsAccepted(int count) => Interlocked.Add(ref _eventsAccepted, count);

    public void EventsRejected(int count) => Interlocked.Add(ref _eventsRejected, count);

    public void EventsDuplicate(int count) => Interlocked.Add(ref _eventsDuplicate, count);

    public void CallsPlaced(int count) => Interlocked.Add(ref _callsPlaced, count);

    public void FeedbackReceived(int count) => Interlocked.Add(ref _feedbackReceived, count);

    /// <summary>An engagement moved from one status to another (from null: it was just decided).</summary>
    public void EngagementMoved(EngagementStatus? from, EngagementStatus to)
    {
        if (from is { } previous)
        {
            Interlocked.Decrement(ref _engagements[(int)previous]);
        }

        Interlocked.Increment(ref _engagements[(int)to]);
    }

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
