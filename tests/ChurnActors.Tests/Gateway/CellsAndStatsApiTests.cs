using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Gateway.Apis;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Gateway;

[Collection(ChurnHostCollection.Name)]
public sealed class CellsAndStatsApiTests(ChurnHost host)
{
    [Fact]
    public async Task A_cell_shows_its_affected_subscribers_and_incidents_by_type()
    {
        var cell = "234-15-CELL" + Guid.NewGuid().ToString("N")[..6];
        var first = Probe.NewMsisdn();
        var second = Probe.NewMsisdn();
        await host.PostEventsAsync(
            Probe.Event(first, "CALL_DROP", true, cell: cell),
            Probe.Event(first, "VIDEO_STALLING", true, cell: cell),
            Probe.Event(second, "CALL_DROP", true, cell: cell),
            Probe.Event(second, "CALL_DROP", false, cell: cell));

        var detail = await ChurnHost.EventuallyAsync(
            async () => await host.Http.GetFromJsonAsync<CellDetail>($"/api/v1/cells/{cell}", JsonSerializerOptions.Web),
            d => d!.Summary.Incidents == 3,
            "the cell's incidents");

        Assert.Equal(2, detail!.Summary.Subscribers);
        Assert.Equal(2, detail.Summary.IncidentsByType["CALL_DROP"]);
        Assert.Equal(1, detail.Summary.IncidentsByType["VIDEO_STALLING"]);
        Assert.Equal([first, second], detail.MostAffected.Select(s => s.Msisdn));
    }

    [Fact]
    public async Task A_cell_without_incidents_is_not_found()
    {
        var response = await host.Http.GetAsync("/api/v1/cells/never-seen-cell");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "unknown-cell");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("abc")]
    [InlineData("1e12")]
    [InlineData("-5")]
    [InlineData("99999999999999999999")]
    public async Task Top_outside_its_range_or_not_a_number_is_a_problem(string top)
    {
        var response = await host.Http.GetAsync($"/api/v1/cells?top={top}");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-top");
    }

    [Fact]
    public async Task The_ranking_puts_cells_that_lose_more_goodwill_first()
    {
        var worse = "234-15-WORSE" + Guid.NewGuid().ToString("N")[..6];
        var quiet = "234-15-QUIET" + Guid.NewGuid().ToString("N")[..6];
        await host.PostEventsAsync(Probe.BadExperience(Probe.NewMsisdn(), worse));
        await host.PostEventsAsync(Probe.Event(Probe.NewMsisdn(), "CALL_DROP", true, cell: quiet));

        var ranking = await ChurnHost.EventuallyAsync(
            async () => (await host.Http.GetFromJsonAsync<List<CellRanking>>("/api/v1/cells?top=1000", JsonSerializerOptions.Web))!,
            cells => cells.Any(c => c.Cell == worse && c.Feedback == 1) && cells.Any(c => c.Cell == quiet),
            "both cells ranked, with the answer");

        Assert.True(ranking.FindIndex(c => c.Cell == worse) < ranking.FindIndex(c => c.Cell == quiet));
        Assert.Equal(ranking.OrderByDescending(c => c.Priority).Select(c => c.Priority), ranking.Select(c => c.Priority));
    }

    [Fact]
    public async Task Stats_count_accepted_and_rejected_events_and_engagements()
    {
        var before = (await host.Http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web))!;
        await host.PostEventsAsync(Probe.Event(Probe.NewMsisdn(), "CALL_DROP", false), Probe.Event("000", "CALL_DROP", false));

        var after = await ChurnHost.EventuallyAsync(
            async () => (await host.Http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web))!,
            s => s.EventsAccepted >= before.EventsAccepted + 1 && s.EventsRejected >= before.EventsRejected + 1,
            "the counters to move");

        Assert.True(after.EventsAccepted >= before.EventsAccepted + 1);
        Assert.True(after.EventsRejected >= before.EventsRejected + 1);
    }

    [Fact]
    public async Task Health_and_the_openapi_document_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/health/ready")).StatusCode);
        var openApi = await host.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = openApi.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/probe-events", "/api/v1/connect/feedback", "/api/v1/subscribers/{msisdn}", "/api/v1/subscribers/{msisdn}/opt-out", "/api/v1/cells", "/api/v1/cells/{cell}", "/api/v1/stats" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }
}
