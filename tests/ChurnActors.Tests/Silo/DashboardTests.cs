using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Silo.Health;
using ChurnActors.Tests.Gateway.OpsPage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace ChurnActors.Tests.Silo;

/// <summary>The Orleans Dashboard, co-hosted with the silo at /dashboard.</summary>
[Collection(ChurnHostCollection.Name)]
public sealed class DashboardTests(ChurnHost host, Chromium chromium) : IClassFixture<Chromium>
{
    [Fact]
    public async Task The_dashboard_counts_the_subscriber_grains()
    {
        await host.PostEventsAsync(Probe.Event(Probe.NewMsisdn(), "CALL_QUALITY", false));

        var counters = await host.Http.GetFromJsonAsync<JsonElement>("/dashboard/DashboardCounters");

        var grainTypes = counters.GetProperty("simpleGrainStats").EnumerateArray().Select(g => g.GetProperty("grainType").GetString()).ToList();
        Assert.Contains("ChurnActors.Grains.Subscribers.SubscriberGrain", grainTypes);
    }

    [Fact]
    public async Task Its_metrics_are_collected_only_while_someone_watches()
    {
        var metrics = host.Services.GetRequiredService<DashboardMetrics>();

        // A query of the dashboard enables its profiler on every silo, and the metrics follow.
        var counters = await host.Http.GetFromJsonAsync<JsonElement>("/dashboard/DashboardCounters");
        await ChurnHost.EventuallyAsync(() => Task.FromResult(metrics.Collecting), collecting => collecting, "metrics collected once the dashboard is watched");
        var silo = counters.GetProperty("hosts").EnumerateArray().First().GetProperty("siloAddress").GetString()!;
        var siloCounters = await ChurnHost.EventuallyAsync(
            () => host.Http.GetFromJsonAsync<JsonElement>($"/dashboard/SiloCounters/{Uri.EscapeDataString(silo)}"),
            found => found.GetArrayLength() > 0,
            "the silo's Orleans metrics on the dashboard");
        Assert.Contains(siloCounters.EnumerateArray(), counter => counter.GetProperty("name").GetString()!.StartsWith("orleans", StringComparison.Ordinal));

        // A minute without a query, the dashboard disables the profiler the same way: the metrics stop.
        SetProfiler(enabled: false);
        await ChurnHost.EventuallyAsync(() => Task.FromResult(metrics.Collecting), collecting => !collecting, "no metrics collected once nobody watches");

        SetProfiler(enabled: true);
        await ChurnHost.EventuallyAsync(() => Task.FromResult(metrics.Collecting), collecting => collecting, "metrics collected again when watched again");
    }

    /// <summary>What the dashboard's silo service does when the dashboard broadcasts whether it is watched.</summary>
    private void SetProfiler(bool enabled)
    {
        var type = typeof(Orleans.Dashboard.DashboardOptions).Assembly.GetType("Orleans.Dashboard.Metrics.IGrainProfiler")!;
        type.GetMethod("Enable")!.Invoke(host.Services.GetRequiredService(type), [enabled]);
    }

    [Fact]
    public async Task The_dashboard_path_without_its_slash_leads_to_it()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Http.BaseAddress };

        using var response = await http.GetAsync("/dashboard");

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal("/dashboard/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_ops_page_links_to_the_dashboard()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(host.Http.BaseAddress!.ToString());

        await page.GetByRole(AriaRole.Link, new() { Name = "Orleans dashboard" }).ClickAsync();

        await page.WaitForURLAsync(new Uri(host.Http.BaseAddress!, "/dashboard/").ToString());
    }

    [Fact]
    public async Task In_a_browser_the_dashboard_shows_the_grains()
    {
        await host.PostEventsAsync(Probe.Event(Probe.NewMsisdn(), "CALL_QUALITY", false));
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(new Uri(host.Http.BaseAddress!, "/dashboard").ToString());
        Assert.Equal(200, response!.Status);
        await page.GetByText("Grains", new() { Exact = true }).First.ClickAsync();

        await page.GetByText("SubscriberGrain").First.WaitForAsync();
    }
}
