using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Gateway.Apis;
using ChurnActors.Tests.Silo;
using Microsoft.Playwright;

namespace ChurnActors.Tests.Gateway.OpsPage;

/// <summary>
/// The ops page in Debian's Chromium against the shared running silo: the heatmap led by the cells
/// the test degrades, the drill-down, the subscriber lookup, and live updates without a reload.
/// </summary>
[Collection(ChurnHostCollection.Name)]
public sealed class OpsPageTests(ChurnHost host, Chromium chromium) : IClassFixture<Chromium>
{
    private const string TilesScript = """
        tiles => tiles.map(tile => {
          const rect = tile.querySelector('rect');
          return {
            cell: tile.dataset.cell,
            rank: Number(tile.dataset.rank),
            meanChange: Number(tile.dataset.meanChange),
            area: Number(rect.getAttribute('width')) * Number(rect.getAttribute('height')),
            fill: rect.getAttribute('fill'),
          };
        })
        """;

    [Fact]
    public async Task The_heatmap_is_led_by_the_degraded_cells_and_a_click_drills_down_to_their_most_affected_subscribers()
    {
        var scenario = await DegradedCells.CreateAsync(host);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.Http.BaseAddress!.ToString());

        var worst = page.Locator($"#heatmap [data-cell='{scenario.Degraded[0]}'][data-feedback='2']");
        await worst.WaitForAsync();
        await page.Locator($"#heatmap [data-cell='{scenario.Healthy[^1]}']").WaitForAsync();
        var tiles = await page.Locator("#heatmap [data-cell]").EvaluateAllAsync<Tile[]>(TilesScript);

        // Largest, in the order the test made them, and first in the layout.
        Assert.Equal(scenario.Degraded, tiles.OrderByDescending(t => t.Area).Take(3).Select(t => t.Cell));
        Assert.Equal([1, 2, 3], scenario.Degraded.Select(cell => tiles.Single(t => t.Cell == cell).Rank));
        // Most negative: −2 per answer, and no cell below it; coloured red, where healthy cells without answers are hatched.
        var degraded = tiles.Where(t => scenario.Degraded.Contains(t.Cell)).ToList();
        Assert.All(degraded, t => Assert.Equal(-2, t.MeanChange));
        Assert.All(tiles, t => Assert.True(t.MeanChange >= -2, $"{t.Cell} is more negative than the degraded cells"));
        Assert.All(degraded, t => Assert.True(IsRed(t.Fill), $"{t.Cell} is filled {t.Fill}"));
        Assert.All(tiles.Where(t => scenario.Healthy.Contains(t.Cell)), t => Assert.Equal("url(#no-answers)", t.Fill));
        Assert.Contains("Mean change in sentiment", await page.Locator("#legend").InnerTextAsync(), StringComparison.Ordinal);

        await worst.HoverAsync();
        var tooltip = page.Locator("#tooltip");
        await Assertions.Expect(tooltip).ToBeVisibleAsync();
        await Assertions.Expect(tooltip).ToContainTextAsync(scenario.Degraded[0]);
        await Assertions.Expect(tooltip.Locator("[data-field='subscribers']")).ToHaveTextAsync(scenario.Sizes[0].ToString("N0", CultureInfo.GetCultureInfo("en-GB")));
        await Assertions.Expect(tooltip.Locator("[data-field='mean-change']")).ToHaveTextAsync("−2.00");

        await worst.ClickAsync();
        var detail = page.Locator($"#cell-detail[data-cell='{scenario.Degraded[0]}']");
        await detail.WaitForAsync();
        var mostAffected = await detail.Locator("tr[data-msisdn]").EvaluateAllAsync<string[]>("rows => rows.slice(0, 2).map(r => r.dataset.msisdn + ' ' + r.dataset.change)");
        Assert.Equal(scenario.Answered[scenario.Degraded[0]].Order(StringComparer.Ordinal).Select(m => $"{m} -2"), mostAffected.Order(StringComparer.Ordinal));
        await Assertions.Expect(page.Locator($"#priority tr.selected[data-cell='{scenario.Degraded[0]}']")).ToHaveCountAsync(1);

        // From the drill-down on to the subscriber.
        var first = scenario.Answered[scenario.Degraded[0]][0];
        await detail.Locator($"button[data-lookup='{first}']").ClickAsync();
        await page.Locator($"#subscriber[data-msisdn='{first}']").WaitForAsync();
    }

    [Fact]
    public async Task The_priority_table_ranks_the_degraded_cells_first()
    {
        var scenario = await DegradedCells.CreateAsync(host);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.Http.BaseAddress!.ToString());

        await page.Locator($"#priority tr[data-cell='{scenario.Degraded[2]}']").WaitForAsync();
        var rows = await page.Locator("#priority tbody tr[data-cell]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.cell)");

        Assert.Equal(scenario.Degraded, rows.Take(3));
        await page.Locator("#priority tbody tr[data-cell]").Nth(1).ClickAsync();
        await page.Locator($"#cell-detail[data-cell='{scenario.Degraded[1]}']").WaitForAsync();
    }

    [Fact]
    public async Task The_lookup_shows_a_subscribers_live_profile_with_rates_against_thresholds_and_engagements()
    {
        var msisdn = Probe.NewMsisdn();
        var cell = "234-15-LOOK" + Guid.NewGuid().ToString("N")[..6];
        await host.PostEventsAsync(Probe.BadExperience(msisdn, cell));
        var view = await ChurnHost.EventuallyAsync(() => host.GetSubscriberAsync(msisdn), v => v!.Feedback.Count == 1, "the simulated answer");
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.Http.BaseAddress!.ToString());

        // The bare digits, as a probe would give them: the lookup finds the E.164 number.
        await page.Locator("#lookup-msisdn").FillAsync(msisdn.TrimStart('+'));
        await page.Locator("#lookup-form button[type='submit']").ClickAsync();
        var profile = page.Locator($"#subscriber[data-msisdn='{msisdn}']");
        await profile.WaitForAsync();

        await Assertions.Expect(profile.Locator("[data-sentiment]")).ToHaveAttributeAsync("data-sentiment", "8");
        var callDrop = profile.Locator("tr[data-type='CALL_DROP']");
        await Assertions.Expect(callDrop).ToHaveAttributeAsync("data-over", "true");
        await Assertions.Expect(callDrop).ToContainTextAsync("50.0 % > 16.0 %");
        await Assertions.Expect(profile.Locator("tr[data-type='VIDEO_STALLING']")).ToHaveAttributeAsync("data-over", "false");
        await Assertions.Expect(profile.Locator("tr[data-type='VIDEO_STALLING']")).ToContainTextAsync("11.0 %");
        var engagement = profile.Locator($"tr[data-engagement='{view!.Engagements.Single().EngagementId}']");
        await Assertions.Expect(engagement).ToHaveAttributeAsync("data-status", "answered");
        await Assertions.Expect(engagement).ToContainTextAsync(view.Engagements.Single().Reason);
        await Assertions.Expect(profile.Locator("tr[data-score='4']")).ToHaveCountAsync(1);
        await Assertions.Expect(profile.Locator("tr[data-before='10'][data-after='8']")).ToHaveCountAsync(1);
        Assert.Equal($"#msisdn=%2B{msisdn.TrimStart('+')}", new Uri(page.Url).Fragment);

        // Live: new sessions show in the open profile without a reload.
        await MarkLoadAsync(page);
        await host.PostEventsAsync(Probe.Event(msisdn, "CALL_DROP", false, cell: cell), Probe.Event(msisdn, "CALL_DROP", false, cell: cell));
        await Assertions.Expect(callDrop).ToHaveAttributeAsync("data-sessions", "8");
        await AssertNotReloadedAsync(page);
    }

    [Fact]
    public async Task An_unknown_number_shows_the_gateways_reason()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.Http.BaseAddress!.ToString());

        await page.Locator("#lookup-msisdn").FillAsync("hello");
        await page.Locator("#lookup-form button[type='submit']").ClickAsync();

        await Assertions.Expect(page.Locator("#subscriber .problem")).ToContainTextAsync("international form");
    }

    [Fact]
    public async Task The_heatmap_the_table_and_the_counters_update_from_the_live_stream_without_a_reload()
    {
        var cell = "234-15-GROW" + Guid.NewGuid().ToString("N")[..6];
        await host.PostEventsAsync([.. Enumerable.Range(0, 4).Select(_ => Probe.Event(Probe.NewMsisdn(), "LOW_BITRATE", true, cell: cell))]);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.Http.BaseAddress!.ToString());
        var tile = page.Locator($"#heatmap [data-cell='{cell}']");
        await Assertions.Expect(tile).ToHaveAttributeAsync("data-subscribers", "4");
        await MarkLoadAsync(page);
        var updates = int.Parse((await page.Locator("#live-status").GetAttributeAsync("data-updates"))!, CultureInfo.InvariantCulture);
        var accepted = await AcceptedOnPageAsync(page);

        await host.PostEventsAsync([.. Enumerable.Range(0, 3).Select(_ => Probe.Event(Probe.NewMsisdn(), "LOW_BITRATE", true, cell: cell))]);

        await Assertions.Expect(tile).ToHaveAttributeAsync("data-subscribers", "7");
        await Assertions.Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");
        Assert.True(int.Parse((await page.Locator("#live-status").GetAttributeAsync("data-updates"))!, CultureInfo.InvariantCulture) > updates);
        // The counters come from every silo's once-a-second report, so they may follow a tick later.
        await page.WaitForFunctionAsync(
            "minimum => Number(document.querySelector(\"[data-stat='eventsAccepted'] .value\").textContent.replace(/,/g, '')) >= minimum",
            accepted + 3);
        await AssertNotReloadedAsync(page);
    }

    private static async Task MarkLoadAsync(IPage page) =>
        await page.EvaluateAsync("() => { window.opsPageTestMarker = 'loaded once'; }");

    /// <summary>The marker set after the load survives only if the page was never loaded again.</summary>
    private static async Task AssertNotReloadedAsync(IPage page)
    {
        Assert.Equal("loaded once", await page.EvaluateAsync<string?>("() => window.opsPageTestMarker ?? null"));
        Assert.Equal(1, await page.EvaluateAsync<int>("() => performance.getEntriesByType('navigation').length"));
    }

    private static async Task<long> AcceptedOnPageAsync(IPage page)
    {
        var text = await page.Locator("[data-stat='eventsAccepted'] .value").InnerTextAsync();
        return long.Parse(text, NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en-GB"));
    }

    /// <summary>d3's RdBu gives "rgb(r, g, b)"; the losing end is red.</summary>
    private static bool IsRed(string fill)
    {
        var parts = fill.TrimStart("rgb(".ToCharArray()).TrimEnd(')').Split(',').Select(p => int.Parse(p.Trim(), CultureInfo.InvariantCulture)).ToArray();
        return parts.Length == 3 && parts[0] > parts[1] + 60 && parts[0] > parts[2] + 60;
    }

    /// <summary>A heatmap tile as its DOM attributes describe it (settable: Playwright fills it by name).</summary>
    private sealed class Tile
    {
        public string Cell { get; set; } = "";

        public int Rank { get; set; }

        public double MeanChange { get; set; }

        public double Area { get; set; }

        public string Fill { get; set; } = "";
    }
}

/// <summary>
/// Three cells the test makes clearly the worst in the shared silo: each with more subscribers with
/// incidents than any cell there (the first most of all), and two subscribers per cell who answer 4
/// (−2 each); plus two small cells whose incidents got no answers yet.
/// </summary>
public sealed record DegradedCells(
    IReadOnlyList<string> Degraded, IReadOnlyList<long> Sizes, IReadOnlyDictionary<string, string[]> Answered, IReadOnlyList<string> Healthy)
{
    private const int Step = 15;

    public static async Task<DegradedCells> CreateAsync(ChurnHost host)
    {
        var ranking = (await host.Http.GetFromJsonAsync<List<CellRanking>>($"/api/v1/cells?top={CellsApi.MaxTop}", JsonSerializerOptions.Web))!;
        var biggest = ranking.Count == 0 ? 0 : ranking.Max(c => c.Subscribers);
        var tag = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var degraded = Enumerable.Range(1, 3).Select(i => $"234-15-DEG{i}{tag}").ToList();
        var sizes = degraded.Select((_, i) => biggest + (4 - i) * Step).ToList();
        var healthy = Enumerable.Range(1, 2).Select(i => $"234-15-OK{i}{tag}").ToList();

        var answered = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var events = new List<object>();
        for (var i = 0; i < degraded.Count; i++)
        {
            var callers = new[] { Probe.NewMsisdn(), Probe.NewMsisdn() };
            answered[degraded[i]] = callers;
            events.AddRange(callers.SelectMany(m => Probe.BadExperience(m, degraded[i])));
            events.AddRange(Enumerable.Range(0, (int)sizes[i] - callers.Length).Select(_ => Probe.Event(Probe.NewMsisdn(), "CALL_DROP", true, cell: degraded[i])));
        }

        events.AddRange(healthy.SelectMany(cell => Enumerable.Range(0, 5).Select(_ => Probe.Event(Probe.NewMsisdn(), "CALL_QUALITY", true, cell: cell))));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await host.PostEventsAsync([.. events])).StatusCode);

        await ChurnHost.EventuallyAsync(
            async () => (await host.Http.GetFromJsonAsync<List<CellRanking>>($"/api/v1/cells?top={CellsApi.MaxTop}", JsonSerializerOptions.Web))!,
            cells => degraded.Select((cell, i) => (cell, i)).All(d => cells.Any(c => c.Cell == d.cell && c.Subscribers == sizes[d.i] && c.Feedback == 2))
                && healthy.All(cell => cells.Any(c => c.Cell == cell && c.Subscribers == 5)),
            "the degraded cells with their answers",
            TimeSpan.FromSeconds(60));
        return new DegradedCells(degraded, sizes, answered, healthy);
    }
}
