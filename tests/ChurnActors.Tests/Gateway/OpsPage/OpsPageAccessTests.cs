using ChurnActors.Tests.Gateway.Access;
using Microsoft.Playwright;

namespace ChurnActors.Tests.Gateway.OpsPage;

/// <summary>In a browser, outside the embedded default: no page without the operator's credentials.</summary>
public sealed class OpsPageAccessTests(SecuredSilo silo, Chromium chromium) : IClassFixture<SecuredSilo>, IClassFixture<Chromium>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/dashboard/")]
    public async Task Without_credentials_the_browser_is_refused(string path)
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var url = new Uri(silo.BaseAddress, path).ToString();
        var refusal = page.WaitForResponseAsync(url);

        // With no credentials to answer the challenge, Chromium gives the navigation up.
        var failed = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(url));

        Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", failed.Message, StringComparison.Ordinal);
        var response = await refusal;
        Assert.Equal(401, response.Status);
        Assert.Equal("application/problem+json", (await response.HeaderValueAsync("content-type"))?.Split(';')[0]);
        await Assertions.Expect(page.Locator("#heatmap")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task With_wrong_credentials_the_browser_is_refused()
    {
        await using var context = await chromium.NewContextAsync(new HttpCredentials { Username = SecuredSilo.User, Password = "not-the-operator-password" });
        var page = await context.NewPageAsync();

        // Chromium answers the challenge once with them, then shows the refusal.
        var response = await page.GotoAsync(silo.BaseAddress.ToString());

        Assert.Equal(401, response!.Status);
        await Assertions.Expect(page.Locator("#heatmap")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task With_the_operators_credentials_the_page_runs_live()
    {
        await using var context = await chromium.NewContextAsync(new HttpCredentials { Username = SecuredSilo.User, Password = SecuredSilo.Password });
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(silo.BaseAddress.ToString());

        Assert.Equal(200, response!.Status);
        // The stream, the counters and the dashboard link all ride on the same credentials.
        await Assertions.Expect(page.Locator("#live-status")).ToHaveAttributeAsync("data-state", "live");
        await Assertions.Expect(page.Locator("[data-stat='eventsAccepted']")).ToHaveCountAsync(1);
        var dashboard = await page.GotoAsync(new Uri(silo.BaseAddress, "/dashboard/").ToString());
        Assert.Equal(200, dashboard!.Status);
    }
}
