namespace ChurnActors.Grains.Cells;

/// <summary>The live ranking of cells by priority. Rebuilt from the cells' reports, so it keeps no storage of its own.</summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class CellRankingGrain(TimeProvider time) : Grain, ICellRankingGrain
{
    private readonly Dictionary<string, CellSummary> _cells = new(StringComparer.Ordinal);

    public Task ReportAsync(CellSummary summary)
    {
        _cells[summary.Cell] = summary;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CellSummary>> GetTopAsync(int count)
    {
        var now = time.GetUtcNow();
        foreach (var stale in _cells.Values.Where(c => now - c.UpdatedAt >= CellAggregate.Period).ToList())
        {
            _cells.Remove(stale.Cell);
        }

        IReadOnlyList<CellSummary> top = _cells.Values
            .OrderByDescending(c => c.Priority)
            .ThenByDescending(c => c.Subscribers)
            .ThenBy(c => c.Cell, StringComparer.Ordinal)
            .Take(count)
            .ToList();
        return Task.FromResult(top);
    }
}
