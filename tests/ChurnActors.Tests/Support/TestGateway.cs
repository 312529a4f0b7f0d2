using ChurnActors.Gateway;
using ChurnActors.Tests.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Tests.Support;

/// <summary>The gateway as its own process (an Orleans client of the silos), on a free loopback port.</summary>
public sealed class TestGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGateway(WebApplication app)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = AddressOf(app) };
    }

    public HttpClient Http { get; }

    /// <summary>The gateway's services: its Orleans client among them.</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<TestGateway> StartAsync(IDictionary<string, string?> settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Churn:Gateway:FeedbackSecret"] = ChurnHost.FeedbackSecret,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = GatewayHost.Build([], builder => builder.Configuration.AddInMemoryCollection(all));
        await app.StartAsync();
        return new TestGateway(app);
    }

    /// <summary>Where a started host listens (it was given port 0).</summary>
    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
