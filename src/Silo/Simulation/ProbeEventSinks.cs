using System.Collections.Immutable;
using System.Text;
using ChurnActors.Adapters.Kinesis;

namespace ChurnActors.Silo.Simulation;

/// <summary>One simulated probe event: the JSON a probe system sends, and the msisdn it partitions by.</summary>
public sealed record SimulatedRecord(string Msisdn, string Json);

/// <summary>Where the simulator sends its probe events.</summary>
public interface IProbeEventSink
{
    Task SendAsync(ImmutableArray<SimulatedRecord> events, CancellationToken cancellationToken);
}

/// <summary>Over the ingest grain, as the HTTP API does (the embedded default).</summary>
public sealed class IngestGrainSink(IGrainFactory grains) : IProbeEventSink
{
    public async Task SendAsync(ImmutableArray<SimulatedRecord> events, CancellationToken cancellationToken) =>
        await grains.GetGrain<IProbeIngestGrain>(0).IngestAsync(ProbePayloads.FromJson(events.Select(e => e.Json)), "simulator");
}

/// <summary>
/// Onto the probe stream, as the probe system writes it: plain JSON records with the msisdn as
/// partition key (<c>PutRecords</c>, 500 a call), so a local cluster runs the production path.
/// </summary>
public sealed class KinesisProbeSink(KinesisClient client, string streamName) : IProbeEventSink
{
    public async Task SendAsync(ImmutableArray<SimulatedRecord> events, CancellationToken cancellationToken) =>
        await client.PutRecordsAsync(streamName, [.. events.Select(e => new KinesisRecordToPut(Encoding.UTF8.GetBytes(e.Json), e.Msisdn))], cancellationToken);
}
