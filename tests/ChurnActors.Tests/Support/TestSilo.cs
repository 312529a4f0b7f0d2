using System.Globalization;
using ChurnActors.Silo;
using ChurnActors.Tests.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Tests.Support;

/// <summary>
/// A silo of its own, for tests about a silo's life (stop, restart, other providers); everything
/// else shares <see cref="ChurnHost"/>. Free loopback ports, simulator off, calling hours all day.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private TestSilo(WebApplication app, HttpClient http, string lake)
    {
        _app = app;
        Http = http;
        LakePath = lake;
    }

    /// <summary>The silo's own data-lake directory, removed with it.</summary>
    public string LakePath { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestSilo> StartAsync(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Churn:Clustering:SiloPort"] = ChurnHost.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Churn:Clustering:GatewayPort"] = ChurnHost.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Churn:Gateway:FeedbackSecret"] = ChurnHost.FeedbackSecret,
            ["Churn:ContactPolicy:CallingHours:Start"] = "00:00",
            ["Churn:ContactPolicy:CallingHours:End"] = "1.00:00",
            ["Churn:Simulator:Enabled"] = "false",
            ["Churn:Simulator:NoAnswerRate"] = "0",
            ["Churn:Simulator:AnswerDelayMin"] = "00:00:00.200",
            ["Churn:Simulator:AnswerDelayMax"] = "00:00:00.400",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Polly"] = "Error",
            ["Churn:Archive:LocalDirectory:Path"] = Path.Combine(Path.GetTempPath(), "churn-test-lake-" + Guid.NewGuid().ToString("N")),
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        var app = ChurnSiloHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            services?.Invoke(builder.Services);
        });
        await app.StartAsync();
        return new TestSilo(app, new HttpClient { BaseAddress = TestGateway.AddressOf(app) }, all["Churn:Archive:LocalDirectory:Path"]!);
    }

    /// <summary>Stops the silo as an operator would (grains deactivate, buffers flush).</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(LakePath))
        {
            Directory.Delete(LakePath, recursive: true);
        }
    }
}
