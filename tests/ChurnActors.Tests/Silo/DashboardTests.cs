using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Tests.Gateway.OpsPage;
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
