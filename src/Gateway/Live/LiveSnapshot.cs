using ChurnActors.Gateway.Apis;

namespace ChurnActors.Gateway.Live;

/// <summary>What the ops page shows live: the top cells and the cluster counters, as of one moment.</summary>
public sealed record LiveSnapshot(DateTimeOffset At, IReadOnlyList<CellRanking> Cells, StatsSnapshot Stats);

/// <summary>Reads one snapshot from the cluster.</summary>
public interface ILiveSource
{
    Task<LiveSnapshot> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Two grain calls per snapshot: the ranking and the counters.</summary>
public sealed class GrainLiveSource(IGrainFactory grains, TimeProvider time) : ILiveSource
{
    /// <summary>Cells the heatmap shows; the priority table shows the first of them.</summary>
    public const int TopCells = 60;

    public async Task<LiveSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var cells = grains.GetGrain<ICellRankingGrain>(ICellRankingGrain.Key).GetTopAsync(TopCells);
        var stats = grains.GetGrain<IStatsGrain>(IStatsGrain.Key).GetAsync();
        await Task.WhenAll(cells, stats).WaitAsync(cancellationToken);
        return new LiveSnapshot(time.GetUtcNow(), (await cells).Select(CellRanking.From).ToList(), await stats);
    }
}
