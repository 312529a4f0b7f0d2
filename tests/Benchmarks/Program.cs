using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ChurnActors;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// The performance report of SPEC §12, measured on one in-process silo with the embedded providers.
// Usage: dotnet run -c Release --project tests/Benchmarks [-- --subscribers N --seconds S --dynamodb http://127.0.0.1:PORT]
var settings = BenchmarkSettings.Parse(args);
var report = new List<(string Measure, string Result, string Target)>();
var dialer = new RecordingDialer();
var lake = Path.Combine(Path.GetTempPath(), "churn-bench-lake-" + Guid.NewGuid().ToString("N"));

var app = ChurnSiloHost.Build([], builder =>
{
    builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Urls"] = "http://127.0.0.1:0",
        ["Churn:Clustering:SiloPort"] = FreePort(),
        ["Churn:Clustering:GatewayPort"] = FreePort(),
        ["Churn:Clustering:ClusterId"] = "churn-bench",
        ["Churn:Archive:LocalDirectory:Path"] = lake,
        ["Churn:Simulator:Enabled"] = "false",
        ["Churn:ContactPolicy:CallingHours:Start"] = "00:00",
        ["Churn:ContactPolicy:CallingHours:End"] = "1.00:00",

        // The latency measure is the system's own path, not Connect's quota: lift the quotas.
        ["Churn:Dialer:Connect:RequestsPerSecond"] = "1000",
        ["Churn:Dialer:Connect:Burst"] = "10000",
        ["Churn:Dialer:Connect:MaxConcurrentCalls"] = "10000",
        ["Logging:LogLevel:Default"] = "Error",
    });
    builder.Services.AddSingleton<IOutboundDialer>(dialer);
});
await app.StartAsync();
var grains = app.Services.GetRequiredService<IGrainFactory>();

try
{
    var msisdns = Enumerable.Range(0, settings.Subscribers).Select(i => $"+4474{i:D8}").ToArray();

    // 1. Activation and memory per active subscriber.
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    var before = GC.GetTotalMemory(forceFullCollection: true);
    var warmup = Stopwatch.StartNew();
    await RunBatchesAsync(grains, msisdns, eventsPerSubscriber: 1, failRate: 0, producers: 4);
    warmup.Stop();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    var after = GC.GetTotalMemory(forceFullCollection: true);
    report.Add(("active subscribers", settings.Subscribers.ToString("N0", CultureInfo.InvariantCulture), "1,000,000 on one box"));
    report.Add(("memory per active subscriber (state included)", $"{(after - before) / (double)settings.Subscribers:N0} B", "≤ 1 KB beyond its state"));
    report.Add(("first event of each subscriber (activation)", $"{settings.Subscribers / warmup.Elapsed.TotalSeconds:N0} events/s", "-"));

    // 2. Throughput from raw JSON at ingest to a decision, on active subscribers.
    var total = 0L;
    var throughput = Stopwatch.StartNew();
    while (throughput.Elapsed < TimeSpan.FromSeconds(settings.Seconds))
    {
        total += await RunBatchesAsync(grains, msisdns, eventsPerSubscriber: 4, failRate: 1.0 / 27, producers: 4);
    }

    throughput.Stop();
    var rate = total / throughput.Elapsed.TotalSeconds;
    report.Add(("ingest → decision (JSON, batches of 5 000)", $"{rate:N0} events/s", "≥ 1,000,000 events/s"));

    // 3. Incident → dial request latency at a moderate load.
    dialer.Reset();
    var engaged = msisdns.Take(Math.Min(2_000, msisdns.Length)).Select((m, i) => $"+4475{i:D8}").ToArray();
    await RunBadExperiencesAsync(grains, engaged);
    var deadline = DateTime.UtcNow.AddSeconds(30);
    while (dialer.Latencies.Count < engaged.Length && DateTime.UtcNow < deadline)
    {
        await Task.Delay(100);
    }

    var latencies = dialer.Latencies.Select(l => l.TotalMilliseconds).Order().ToArray();
    report.Add(("incident → dial request, p50 / p99", latencies.Length == 0 ? "no dial requests" :
        $"{Percentile(latencies, 0.50):N2} ms / {Percentile(latencies, 0.99):N2} ms over {latencies.Length:N0} engagements", "p99 ≤ 5 ms at half the peak load"));
}
finally
{
    await app.StopAsync();
    await app.DisposeAsync();
    if (Directory.Exists(lake))
    {
        Directory.Delete(lake, recursive: true);
    }
}

if (settings.DynamoDbUrl is { } dynamoDbUrl)
{
    report.AddRange(await SimulatorMixOnDynamoDbAsync(dynamoDbUrl, settings.Seconds));
}

Console.WriteLine();
Console.WriteLine($"ChurnActors benchmark report — {Environment.ProcessorCount} cores, {settings.Subscribers:N0} subscribers, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine(new string('-', 120));
Console.WriteLine($"{"measure",-50} {"result",-45} target");
foreach (var (measure, result, target) in report)
{
    Console.WriteLine($"{measure,-50} {result,-45} {target}");
}

static async Task<long> RunBatchesAsync(IGrainFactory grains, string[] msisdns, int eventsPerSubscriber, double failRate, int producers)
{
    const int batchSize = 5_000;
    var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
    var all = Enumerable.Range(0, eventsPerSubscriber).SelectMany(_ => msisdns).ToArray();
    var batches = all.Chunk(batchSize).ToArray();
    var next = -1;
    var tasks = Enumerable.Range(0, producers).Select(async producer =>
    {
        var random = new Random(producer);
        var ingest = grains.GetGrain<IProbeIngestGrain>(0);
        int index;
        while ((index = Interlocked.Increment(ref next)) < batches.Length)
        {
            var batch = ProbePayloads.FromJson(batches[index]
                .Select(m => Json(Guid.NewGuid().ToString("N"), m, "CALL_DROP", random.NextDouble() < failRate, now, "234-15-BENCH")));
            await ingest.IngestAsync(batch, "benchmark");
        }
    });
    await Task.WhenAll(tasks);
    return all.Length;
}

static async Task RunBadExperiencesAsync(IGrainFactory grains, string[] msisdns)
{
    var ingest = grains.GetGrain<IProbeIngestGrain>(0);
    foreach (var chunk in msisdns.Chunk(100))
    {
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        var events = chunk.SelectMany(m => Enumerable.Range(0, 6).Select(i => Json(Guid.NewGuid().ToString("N"), m, "CALL_DROP", i >= 3, now, "234-15-BENCH")));
        await ingest.IngestAsync(ProbePayloads.FromJson(events), "benchmark");

        // Half the peak: spread the engagements out rather than all at once.
        await Task.Delay(10);
    }
}

// The simulator's own traffic on DynamoDB grain storage: how many writes, and what they cost, per probe event.
static async Task<List<(string, string, string)>> SimulatorMixOnDynamoDbAsync(Uri dynamoDbUrl, int seconds)
{
    var silo = ChurnSiloHost.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Urls"] = "http://127.0.0.1:0",
        ["Churn:Clustering:SiloPort"] = FreePort(),
        ["Churn:Clustering:GatewayPort"] = FreePort(),
        ["Churn:Clustering:ClusterId"] = "churn-bench-dynamodb",
        ["Churn:Storage:Provider"] = "DynamoDb",
        ["Churn:Storage:DynamoDb:ServiceUrl"] = dynamoDbUrl.ToString(),
        ["Churn:Storage:DynamoDb:TableName"] = "churn-bench-" + Guid.NewGuid().ToString("N")[..8],
        ["Churn:Archive:LocalDirectory:Path"] = Path.Combine(Path.GetTempPath(), "churn-bench-lake-" + Guid.NewGuid().ToString("N")),
        ["Churn:Simulator:Enabled"] = "true",
        ["Logging:LogLevel:Default"] = "Error",
    }));
    await silo.StartAsync();
    await Task.Delay(TimeSpan.FromSeconds(seconds));
    var storages = new[] { "subscribers", "cells" }
        .Select(name => (ChurnActors.Adapters.Storage.DynamoDbGrainStorage)silo.Services.GetRequiredKeyedService<Orleans.Storage.IGrainStorage>(name))
        .ToArray();
    var stats = await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IStatsGrain>(IStatsGrain.Key).GetAsync();
    await silo.StopAsync();
    await silo.DisposeAsync();

    var events = Math.Max(1, stats.EventsAccepted);
    var writes = storages.Sum(s => s.Writes);
    var writeUnits = storages.Sum(s => s.WriteUnits);
    var readUnits = storages.Sum(s => s.ReadUnits);

    // Public on-demand prices (us-east-1): $1.25 per million write units, $0.25 per million read units.
    var dollarsPerMillionEvents = ((writeUnits * 1.25) + (readUnits * 0.25)) / events;
    return
    [
        ("DynamoDB writes per 1 000 probe events (simulator)", $"{writes * 1000.0 / events:N0} ({storages[0].Writes:N0} subscriber, {storages[1].Writes:N0} cell over {events:N0} events)", "no per-event write"),
        ("DynamoDB cost per million probe events", $"${dollarsPerMillionEvents:N2} ({writeUnits * 1000.0 / events:N0} WRU, {readUnits * 1000.0 / events:N0} RRU per 1 000)", "≤ $0.10 (all AWS requests)"),
    ];
}

static string Json(string eventId, string msisdn, string type, bool fail, string timestamp, string cell) =>
    $$"""{"eventId":"{{eventId}}","msisdn":"{{msisdn}}","type":"{{type}}","status":"{{(fail ? "FAIL" : "OK")}}","timestamp":"{{timestamp}}","cell":"{{cell}}","deviceTac":"35332510","vendor":"Ericsson"}""";

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static string FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Stands in for Connect: records when each dial request arrives, relative to its decision.</summary>
internal sealed class RecordingDialer : IOutboundDialer
{
    public ConcurrentBag<TimeSpan> Latencies { get; private set; } = [];

    public void Reset() => Latencies = [];

    public Task<DialResult> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken)
    {
        Latencies.Add(DateTimeOffset.UtcNow - request.DecidedAt);
        return Task.FromResult(DialResult.Placed("bench-" + request.EngagementId));
    }
}

internal sealed record BenchmarkSettings(int Subscribers, int Seconds, Uri? DynamoDbUrl)
{
    public static BenchmarkSettings Parse(string[] args)
    {
        var subscribers = 100_000;
        var seconds = 20;
        Uri? dynamoDbUrl = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--subscribers":
                    subscribers = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--seconds":
                    seconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--dynamodb":
                    dynamoDbUrl = new Uri(args[i + 1]);
                    break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}; use --subscribers N, --seconds S and --dynamodb URL (a local DynamoDB such as dynalite).");
            }
        }

        return new BenchmarkSettings(subscribers, seconds, dynamoDbUrl);
    }
}
