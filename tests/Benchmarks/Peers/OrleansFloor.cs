using System.Collections.Immutable;
using ChurnActors.Grains.Ingest;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Metadata;

namespace ChurnActors.Benchmarks.Peers;

/// <summary>
/// The floor under any design with one grain per subscriber, in the silo this system runs in: the
/// same batches read by the same strict reader and grouped per subscriber, then one call per
/// subscriber to a grain that only counts what it was given — no state, no rules, no storage, no
/// lake. On the benchmark's mix, where a batch holds one event per subscriber, that is one grain call
/// per event: the system can be no faster than this, whatever its own code costs.
/// </summary>
public interface IFloorIngestGrain : IGrainWithIntegerKey
{
    Task<int> IngestAsync(ProbePayloads payloads);
}

public interface IFloorSubscriberGrain : IGrainWithStringKey
{
    Task<int> RecordEventsAsync(ImmutableArray<ProbeEvent> events);
}

[StatelessWorker]
public sealed class FloorIngestGrain(IGrainFactory grains, GrainInterfaceTypeResolver interfaces, GrainInterfaceTypeToGrainTypeResolver types, TimeProvider time) : Grain, IFloorIngestGrain
{
    // Resolved once, as the system's own references are (GrainReferences).
    private readonly GrainInterfaceType _interface = interfaces.GetGrainInterfaceType(typeof(IFloorSubscriberGrain));

    private GrainType SubscriberType => types.GetGrainType(_interface);

    public async Task<int> IngestAsync(ProbePayloads payloads)
    {
        var intake = new ProbeIntake(time.GetUtcNow());
        for (var index = 0; index < payloads.Items.Length; index++)
        {
            intake.Add(payloads.Items[index].Span, index, "benchmark");
        }

        var type = SubscriberType;
        var counted = await Task.WhenAll(intake.BySubscriber().Select(s =>
            ((IFloorSubscriberGrain)grains.GetGrain(GrainId.Create(type, s.Msisdn), _interface)).RecordEventsAsync(s.Events)));
        return counted.Sum();
    }
}

public sealed class FloorSubscriberGrain : Grain, IFloorSubscriberGrain
{
    private int _counted;

    public Task<int> RecordEventsAsync(ImmutableArray<ProbeEvent> events)
    {
        _counted += events.Length;
        return Task.FromResult(events.Length);
    }
}

/// <summary>
/// A bare Orleans silo in this process: localhost clustering on ports of its own and nothing else
/// (no storage, streams, reminders, dashboard or gateway API), to tell Orleans' own cost from what
/// this system's silo adds.
/// </summary>
public sealed class BareSilo : IDisposable
{
    private readonly IHost _host;

    private BareSilo(IHost host) => _host = host;

    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<BareSilo> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(LocalServers.FreePort(), LocalServers.FreePort(), null, "churn-bench-bare", "churn-bench-bare"));
        var host = builder.Build();
        await host.StartAsync();
        return new BareSilo(host);
    }

    public void Dispose()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }
}
