using System.Collections.Immutable;
using System.Text;

namespace ChurnActors;

/// <summary>Probe events as they arrived, one JSON document each, not yet read: the ingest grain reads them.</summary>
[GenerateSerializer, Immutable, Alias("churn.probe-payloads")]
public sealed record ProbePayloads([property: Id(0)] ImmutableArray<ReadOnlyMemory<byte>> Items)
{
    public static ProbePayloads FromJson(IEnumerable<string> events) =>
        new([.. events.Select(e => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(e))]);
}

/// <summary>A validated probe event: msisdn in E.164, type and status parsed, timestamp checked.</summary>
[GenerateSerializer, Immutable, Alias("churn.probe-event")]
public sealed record ProbeEvent(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Msisdn,
    [property: Id(2)] IncidentType Type,
    [property: Id(3)] bool Failed,
    [property: Id(4)] DateTimeOffset Timestamp,
    [property: Id(5)] string Cell,
    [property: Id(6)] string? DeviceTac,
    [property: Id(7)] string? Vendor);

/// <summary>What a subscriber made of a batch of its events.</summary>
[GenerateSerializer, Immutable, Alias("churn.ingest-result")]
public sealed record IngestResult(
    [property: Id(0)] int Counted,
    [property: Id(1)] int Duplicates,
    [property: Id(2)] int OutsideWindow,
    [property: Id(3)] int Incidents);

/// <summary>One probe event the system refused, with the reason and the raw payload.</summary>
[GenerateSerializer, Immutable, Alias("churn.probe-rejection")]
public sealed record ProbeRejection(
    [property: Id(0)] int Index,
    [property: Id(1)] string Reason);

/// <summary>The answer to a batch of raw probe events.</summary>
[GenerateSerializer, Immutable, Alias("churn.probe-batch-result")]
public sealed record ProbeBatchResult(
    [property: Id(0)] int Accepted,
    [property: Id(1)] IReadOnlyList<ProbeRejection> Rejected);
