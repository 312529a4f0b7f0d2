namespace ChurnActors.Grains.Stats;

/// <summary>The cluster's counters since it started. Held in memory: they describe this run of the cluster.</summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class StatsGrain(TimeProvider time) : Grain, IStatsGrain
{
    private readonly DateTimeOffset _since = time.GetUtcNow();
    private readonly Dictionary<string, long> _engagements = new(StringComparer.Ordinal);
    private long _eventsAccepted;
    private long _eventsRejected;
    private long _eventsDuplicate;
    private long _callsPlaced;
    private long _feedbackReceived;

    public Task AddAsync(StatsDelta delta)
    {
        _eventsAccepted += delta.EventsAccepted;
        _eventsRejected += delta.EventsRejected;
        _eventsDuplicate += delta.EventsDuplicate;
        _callsPlaced += delta.CallsPlaced;
        _feedbackReceived += delta.FeedbackReceived;
        foreach (var (status, moved) in delta.EngagementsByStatus)
        {
            _engagements[status] = _engagements.GetValueOrDefault(status) + moved;
        }

        return Task.CompletedTask;
    }

    public Task<StatsSnapshot> GetAsync() => Task.FromResult(new StatsSnapshot(
        _eventsAccepted,
        _eventsRejected,
        _eventsDuplicate,
        _engagements.Where(e => e.Value != 0).ToDictionary(e => e.Key, e => e.Value),
        _callsPlaced,
        _feedbackReceived,
        _since));
}
