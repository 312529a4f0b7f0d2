namespace ChurnActors.Grains.Stats;

/// <summary>The cluster's counters since it started. Held in memory: they describe this run of the cluster.</summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class StatsGrain(TimeProvider time) : Grain, IStatsGrain
{
    private readonly DateTimeOffset _since = time.GetUtcNow();
    private StatsDelta _totals = StatsDelta.None;

    public Task AddAsync(StatsDelta delta)
    {
        _totals = _totals.Plus(delta);
        return Task.CompletedTask;
    }

    public Task<StatsSnapshot> GetAsync() => Task.FromResult(StatsSnapshot.Of(_totals, _since));
}
