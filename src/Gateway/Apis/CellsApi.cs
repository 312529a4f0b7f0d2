using Microsoft.AspNetCore.Http.HttpResults;

namespace ChurnActors.Gateway.Apis;

/// <summary>The live per-cell picture: where the network loses the most goodwill.</summary>
public static class CellsApi
{
    public const int MaxTop = 1_000;
    public const int MostAffected = 20;

    public static RouteGroupBuilder MapCellsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/cells", GetTopAsync).WithName("GetCells").WithSummary("Cells ranked by priority");
        api.MapGet("/cells/{cell}", GetCellAsync).WithName("GetCell").WithSummary("One cell's aggregates and its most affected subscribers");
        return api;
    }

    public static async Task<Results<Ok<IReadOnlyList<CellRanking>>, ProblemHttpResult>> GetTopAsync(IGrainFactory grains, string? top)
    {
        var count = 10;
        if (top is not null && (!int.TryParse(top, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxTop))
        {
            return Problems.BadRequest("invalid-top", "Invalid top", $"top must be a whole number between 1 and {MaxTop}, e.g. ?top=10.");
        }

        var cells = await grains.GetGrain<ICellRankingGrain>(ICellRankingGrain.Key).GetTopAsync(count);
        return TypedResults.Ok<IReadOnlyList<CellRanking>>(cells.Select(CellRanking.From).ToList());
    }

    public static async Task<Results<Ok<CellDetail>, ProblemHttpResult>> GetCellAsync(string cell, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(cell) || cell.Length > 64)
        {
            return Problems.BadRequest("invalid-cell", "Invalid cell", "A cell id is 1 to 64 characters.");
        }

        var detail = await grains.GetGrain<ICellGrain>(cell).GetDetailAsync(MostAffected);
        return detail.Summary is { Incidents: 0, Feedback: 0, Subscribers: 0 }
            ? Problems.Of(StatusCodes.Status404NotFound, "unknown-cell", "Unknown cell", $"No incident or feedback was recorded for cell '{cell}' in the last 24 hours.")
            : TypedResults.Ok(detail);
    }
}

/// <summary>One row of the ranking (docs/design.md §7).</summary>
public sealed record CellRanking(
    string Cell, long Subscribers, long Incidents, long Feedback, long ChangeSentiment, double MeanChangeSentiment, double Priority)
{
    public static CellRanking From(CellSummary summary) => new(
        summary.Cell, summary.Subscribers, summary.Incidents, summary.Feedback, summary.ChangeSentiment, summary.MeanChangeSentiment, summary.Priority);
}
