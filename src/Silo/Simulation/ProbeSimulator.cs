using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;
using ChurnActors.Silo.Configuration;
using Microsoft.Extensions.Options;

namespace ChurnActors.Silo.Simulation;

/// <summary>
/// Simulated probe traffic: each tick, sessions of random subscribers, OK or FAIL by their cell's
/// health, timed now (so in order per subscriber), sent as the JSON a probe system would send.
/// </summary>
public sealed partial class ProbeSimulator(
    IOptions<SimulatorOptions> options,
    IOptions<ContactPolicyOptions> contactPolicy,
    IProbeEventSink sink,
    TimeProvider time,
    ILogger<ProbeSimulator> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);
    private static readonly (string Type, double Share)[] Types =
        [("CALL_DROP", 0.3), ("CALL_QUALITY", 0.3), ("LOW_BITRATE", 0.2), ("VIDEO_STALLING", 0.2)];

    private const int MaxBatch = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var random = settings.Seed is { } seed ? new Random(seed) : new Random();
        var population = new SimulatedPopulation(settings, new CallingHours(contactPolicy.Value.CallingHours), time.GetUtcNow(), random);
        var run = Convert.ToHexStringLower(BitConverter.GetBytes(time.GetUtcNow().ToUnixTimeMilliseconds()))[..8];
        LogStarted(logger, population.Subscribers.Count, population.Cells.Count, settings.EventsPerSecond,
            string.Join(", ", population.Cells.Where(c => c.Degraded).Select(c => c.Id)));

        long sequence = 0;
        double owed = 0;
        using var timer = new PeriodicTimer(Tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                owed += settings.EventsPerSecond * Tick.TotalSeconds;
                var count = (int)owed;
                owed -= count;
                var now = time.GetUtcNow();
                var stamp = now.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                for (var start = 0; start < count; start += MaxBatch)
                {
                    var batch = ImmutableArray.CreateBuilder<SimulatedRecord>(Math.Min(MaxBatch, count - start));
                    for (var i = start; i < count && i < start + MaxBatch; i++)
                    {
                        batch.Add(NextEvent(population, settings, random, $"sim-{run}-{sequence++}", stamp));
                    }

                    await sink.SendAsync(batch.MoveToImmutable(), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static SimulatedRecord NextEvent(SimulatedPopulation population, SimulatorOptions settings, Random random, string eventId, string timestamp)
    {
        var subscriber = population.Subscribers[random.Next(population.Subscribers.Count)];
        var failRate = subscriber.Cell.Degraded ? settings.DegradedFailRate : settings.BaselineFailRate;
        return new SimulatedRecord(subscriber.Msisdn, JsonSerializer.Serialize(new SimulatedProbeEvent(
            eventId,
            subscriber.Msisdn,
            PickType(random),
            random.NextDouble() < failRate ? "FAIL" : "OK",
            timestamp,
            subscriber.Cell.Id,
            subscriber.DeviceTac,
            subscriber.Cell.Vendor), SimulatorJson.Default.SimulatedProbeEvent));
    }

    private static string PickType(Random random)
    {
        var roll = random.NextDouble();
        foreach (var (type, share) in Types)
        {
            if ((roll -= share) < 0)
            {
                return type;
            }
        }

        return Types[^1].Type;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulating {Subscribers} subscribers on {Cells} cells at {EventsPerSecond} events/s; degraded cells: {Degraded}")]
    private static partial void LogStarted(ILogger logger, int subscribers, int cells, int eventsPerSecond, string degraded);
}

/// <summary>A probe event as the probe system sends it (docs/design.md §2).</summary>
public sealed record SimulatedProbeEvent(
    string EventId, string Msisdn, string Type, string Status, string Timestamp, string Cell, string DeviceTac, string Vendor);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SimulatedProbeEvent))]
internal sealed partial class SimulatorJson : System.Text.Json.Serialization.JsonSerializerContext;
