using System.Collections.Concurrent;
using System.Globalization;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Benchmarks;

/// <summary>
/// This system as the measurements run it: one silo in this process, built exactly as
/// <c>dotnet run --project src/Silo</c> builds it, on loopback ports of its own, with calling hours
/// all day and Connect's quotas lifted (the latency measured is the system's own path, not the
/// quota's), and a dialer that records when each dial request arrives.
/// </summary>
public sealed class SiloUnderTest : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _lake;

    private SiloUnderTest(WebApplication app, string lake, RecordingDialer dialer)
    {
        _app = app;
        _lake = lake;
        Dialer = dialer;
    }

    public RecordingDialer Dialer { get; }

    public IGrainFactory Grains => _app.Services.GetRequiredService<IGrainFactory>();

    public IServiceProvider Services => _app.Services;

    public static async Task<SiloUnderTest> StartAsync(string name, IDictionary<string, string?>? settings = null)
    {
        var lake = Path.Combine(Path.GetTempPath(), $"churn-bench-lake-{name}-{Guid.NewGuid():N}"[..40]);
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Churn:Clustering:SiloPort"] = LocalServers.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Churn:Clustering:GatewayPort"] = LocalServers.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Churn:Clustering:ClusterId"] = "churn-bench-" + name,
            ["Churn:Archive:LocalDirectory:Path"] = lake,
            ["Churn:Simulator:Enabled"] = "false",
            ["Churn:ContactPolicy:CallingHours:Start"] = "00:00",
            ["Churn:ContactPolicy:CallingHours:End"] = "1.00:00",
            ["Churn:Dialer:Connect:RequestsPerSecond"] = "1000",
            ["Churn:Dialer:Connect:Burst"] = "10000",
            ["Churn:Dialer:Connect:MaxConcurrentCalls"] = "10000",
            ["Logging:LogLevel:Default"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var dialer = new RecordingDialer();
        var app = ChurnSiloHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(all);
            if (all.GetValueOrDefault("Churn:Dialer:Provider") is null or "Simulated")
            {
                builder.Services.AddSingleton<IOutboundDialer>(dialer);
            }
        });
        await app.StartAsync();
        dialer.Grains = app.Services.GetRequiredService<IGrainFactory>();
        return new SiloUnderTest(app, lake, dialer);
    }

    public Task<ProbeBatchResult> IngestAsync(EventBatch batch) =>
        Grains.GetGrain<IProbeIngestGrain>(0).IngestAsync(batch.ToPayloads(), "benchmark");

    public Task<StatsSnapshot> StatsAsync() => Grains.GetGrain<IStatsGrain>(IStatsGrain.Key).GetAsync();

    /// <summary>The counters once what the silo counted has been reported (it reports once a second).</summary>
    public async Task<StatsSnapshot> SettledStatsAsync()
    {
        var last = await StatsAsync();
        while (true)
        {
            await Task.Delay(1_200);
            var now = await StatsAsync();
            if ((now.EventsAccepted, now.EventsRejected, now.EventsDuplicate) == (last.EventsAccepted, last.EventsRejected, last.EventsDuplicate))
            {
                return now;
            }

            last = now;
        }
    }

    public async Task StopAsync() => await _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Directory.Exists(_lake))
        {
            Directory.Delete(_lake, recursive: true);
        }
    }
}

/// <summary>
/// Stands in for Connect: records when each dial request arrives, after its decision, and at once
/// reports the call ended without an answer (the contact flow's no-input path), so its call slot is
/// free again however many engagements a run makes.
/// </summary>
public sealed class RecordingDialer : IOutboundDialer
{
    public string DispatcherKey => "recording";

    private ConcurrentQueue<(DialRequest Request, TimeSpan Latency)> _dialled = new();

    public IGrainFactory? Grains { get; set; }

    public IReadOnlyCollection<(DialRequest Request, TimeSpan Latency)> Dialled => _dialled;

    public void Reset() => _dialled = new();

    public Task<DialResult> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken)
    {
        _dialled.Enqueue((request, DateTimeOffset.UtcNow - request.DecidedAt));
        var contactId = "bench-" + request.EngagementId;
        if (Grains is { } grains)
        {
            _ = Task.Run(() => grains.GetGrain<ISubscriberGrain>(request.Msisdn).RecordNoInputAsync(contactId, request.EngagementId), CancellationToken.None);
        }

        return Task.FromResult(DialResult.Placed(contactId));
    }
}
