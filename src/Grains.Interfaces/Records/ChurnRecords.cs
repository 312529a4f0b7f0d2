namespace ChurnActors.Records;

/// <summary>A row for the data lake (SPEC §6). Each subtype is one table.</summary>
[GenerateSerializer, Immutable, Alias("churn.record")]
public abstract record ChurnRecord
{
    /// <summary>The time the row is partitioned by (dt/hour).</summary>
    public abstract DateTimeOffset Timestamp { get; }
}

[GenerateSerializer, Immutable, Alias("churn.record.incident")]
public sealed record IncidentRecord(
    [property: Id(0)] string EventId,
    [property: Id(1)] DateTimeOffset Ts,
    [property: Id(2)] string Msisdn,
    [property: Id(3)] IncidentType Type,
    [property: Id(4)] string Cell,
    [property: Id(5)] string? DeviceTac,
    [property: Id(6)] string? Vendor,
    [property: Id(7)] double FailRate,
    [property: Id(8)] int WindowSessions) : ChurnRecord
{
    public override DateTimeOffset Timestamp => Ts;
}

[GenerateSerializer, Immutable, Alias("churn.record.engagement")]
public sealed record EngagementRecord(
    [property: Id(0)] string? EngagementId,
    [property: Id(1)] DateTimeOffset Ts,
    [property: Id(2)] string Msisdn,
    [property: Id(3)] IncidentType Type,
    [property: Id(4)] string Cell,
    [property: Id(5)] double FailRate,
    [property: Id(6)] double Severity,
    [property: Id(7)] EngagementStatus Status,
    [property: Id(8)] string Reason) : ChurnRecord
{
    public override DateTimeOffset Timestamp => Ts;
}

[GenerateSerializer, Immutable, Alias("churn.record.feedback")]
public sealed record FeedbackRecord(
    [property: Id(0)] string EngagementId,
    [property: Id(1)] string ContactId,
    [property: Id(2)] DateTimeOffset Ts,
    [property: Id(3)] string Msisdn,
    [property: Id(4)] string Cell,
    [property: Id(5)] int Score) : ChurnRecord
{
    public override DateTimeOffset Timestamp => Ts;
}

[GenerateSerializer, Immutable, Alias("churn.record.sentiment")]
public sealed record SentimentRecord(
    [property: Id(0)] string EngagementId,
    [property: Id(1)] DateTimeOffset Ts,
    [property: Id(2)] string Msisdn,
    [property: Id(3)] string Cell,
    [property: Id(4)] string? DeviceTac,
    [property: Id(5)] string? Vendor,
    [property: Id(6)] IncidentType IncidentType,
    [property: Id(7)] int Score,
    [property: Id(8)] int SentimentBefore,
    [property: Id(9)] int SentimentAfter,
    [property: Id(10)] int ChangeSentiment) : ChurnRecord
{
    public override DateTimeOffset Timestamp => Ts;
}

[GenerateSerializer, Immutable, Alias("churn.record.rejected")]
public sealed record RejectedRecord(
    [property: Id(0)] DateTimeOffset Ts,
    [property: Id(1)] string Source,
    [property: Id(2)] string Reason,
    [property: Id(3)] string Payload) : ChurnRecord
{
    public override DateTimeOffset Timestamp => Ts;
}

/// <summary>The stream item: the records one grain turn produced, delivered together.</summary>
[GenerateSerializer, Immutable, Alias("churn.record-batch")]
public sealed record RecordBatch([property: Id(0)] IReadOnlyList<ChurnRecord> Records);

/// <summary>Where records travel from their producers to the archivers.</summary>
public static class RecordStreams
{
    public const string ProviderName = "records";
    public const string Namespace = "churn-records";

    /// <summary>Partitions of the record stream; each is drained by one archiver, the object writer.</summary>
    public const int Partitions = 4;

    public static string PartitionFor(string msisdn) =>
        $"p{(uint)StableHash(msisdn) % Partitions}";

    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619;
            }

            return hash;
        }
    }
}
