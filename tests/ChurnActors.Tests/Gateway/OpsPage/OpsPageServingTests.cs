using System.Net;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Gateway.OpsPage;

/// <summary>The page's files as the embedded default serves them: open to loopback callers, from the gateway itself.</summary>
[Collection(ChurnHostCollection.Name)]
public sealed class OpsPageServingTests(ChurnHost host)
{
    [Theory]
    [InlineData("/", "text/html")]
    [InlineData("/app.js", "text/javascript")]
    [InlineData("/app.css", "text/css")]
    public async Task The_page_is_served_to_a_loopback_caller_without_credentials(string path, string mediaType)
    {
        using var response = await host.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task The_page_loads_nothing_from_elsewhere()
    {
        using var response = await host.Http.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.StartsWith("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<script src=\"app.js\"", html, StringComparison.Ordinal);
    }
}
