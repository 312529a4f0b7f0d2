namespace ChurnActors.Records;

/// <summary>A row for the data lake (docs/design.md §6). Each subtype is one table.</summary>
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

/// <summary>
/// Input the system refused, with what it takes to diagnose it and nothing unbounded: the payload as
/// text up to <see cref="MaxPayloadBytes"/> (bytes that are not UTF-8 shown as U+FFFD), the length and
/// SHA-256 of the whole raw payload, and the reason — so no rejection is too large for any transport.
/// </summary>
[GenerateSerializer, Immutable, Alias("churn.record.rejected")]
public sealed record RejectedRecord(
    [property: Id(0)] DateTimeOffset Ts,
    [property: Id(1)] string Source,
    [property: Id(2)] string Reason,
    [property: Id(3)] string Payload,
    [property: Id(4)] int PayloadLength,
    [property: Id(5)] string PayloadSha256) : ChurnRecord
{
    public const int MaxPayloadBytes = 16 * 1024;
    public const int MaxReasonLength = 1024;
    public const int MaxSourceLength = 256;

    public override DateTimeOffset Timestamp => Ts;

    public static RejectedRecord Of(DateTimeOffset ts, string source, string reason, ReadOnlySpan<byte> payload)
    {
        var kept = payload[..Math.Min(payload.Length, MaxPayloadBytes)];

        // Cut at a character boundary: a character the cap splits is left out whole.
        if (kept.Length < payload.Length)
        {
            var lead = kept.Length - 1;
            while (lead > 0 && lead > kept.Length - 4 && (kept[lead] & 0xC0) == 0x80)
            {
                lead--;
            }

            var length = kept[lead] switch { >= 0xF0 => 4, >= 0xE0 => 3, >= 0xC0 => 2, _ => 1 };
            if (lead + length > kept.Length)
            {
                kept = kept[..lead];
            }
        }

        return new RejectedRecord(
            ts,
            Cut(source, MaxSourceLength),
            Cut(reason, MaxReasonLength),
            System.Text.Encoding.UTF8.GetString(kept),
            payload.Length,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload)));
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

/// <summary>The stream item: the records one grain turn produced, delivered together.</summary>
[GenerateSerializer, Immutable, Alias("churn.record-batch")]
public sealed record RecordBatch([property: Id(0)] IReadOnlyList<ChurnRecord> Records)
{
    /// <summary>
    /// This batch in order, cut into batches whose serialized size is surely at most
    /// <paramref name="maxBytes"/> (<see cref="RecordSizes.Estimate"/>). A record on its own is always
    /// far below any transport's limit: every field of every record is bounded.
    /// </summary>
    public IEnumerable<RecordBatch> Split(int maxBytes)
    {
        var start = 0;
        var bytes = 0;
        for (var index = 0; index < Records.Count; index++)
        {
            var size = RecordSizes.Estimate(Records[index]);
            if (index > start && bytes + size > maxBytes)
            {
                yield return Slice(start, index);
                (start, bytes) = (index, 0);
            }

            bytes += size;
        }

        if (start == 0)
        {
            yield return this;
        }
        else if (start < Records.Count)
        {
            yield return Slice(start, Records.Count);
        }
    }

    private RecordBatch Slice(int start, int end) => new(Records.Skip(start).Take(end - start).ToList());
}

/// <summary>Sizes of records as the transports and the lake see them, estimated from above.</summary>
public static class RecordSizes
{
    /// <summary>At least the serialized size of <paramref name="record"/> in any of the system's formats: three bytes per character and an envelope.</summary>
    public static int Estimate(ChurnRecord record)
    {
        const int envelope = 128;
        var characters = record switch
        {
            IncidentRecord r => r.EventId.Length + r.Msisdn.Length + r.Cell.Length + (r.DeviceTac?.Length ?? 0) + (r.Vendor?.Length ?? 0),
            EngagementRecord r => (r.EngagementId?.Length ?? 0) + r.Msisdn.Length + r.Cell.Length + r.Reason.Length,
            FeedbackRecord r => r.EngagementId.Length + r.ContactId.Length + r.Msisdn.Length + r.Cell.Length,
            SentimentRecord r => r.EngagementId.Length + r.Msisdn.Length + r.Cell.Length + (r.DeviceTac?.Length ?? 0) + (r.Vendor?.Length ?? 0),
            RejectedRecord r => r.Source.Length + r.Reason.Length + r.Payload.Length + r.PayloadSha256.Length,
            _ => 4096,
        };
        return envelope + (3 * characters);
    }
}

/// <summary>Where records travel from their producers to the archivers.</summary>
public static class RecordStreams
{
    public const string ProviderName = "records";
    public const string Namespace = "churn-records";

    /// <summary>Partitions of the record stream; each is drained by one archiver, the object writer.</summary>
    public const int Partitions = 4;

    /// <summary>
    /// The most one stream item may carry: a quarter of the smallest transport limit, the 1 MiB of
    /// an Orleans memory-stream cache block and of a Kinesis record, so the envelope always fits.
    /// </summary>
    public const int MaxBatchBytes = 256 * 1024;

    public static string PartitionFor(string msisdn) =>
        $"p{Fnv1a.Hash32(msisdn) % Partitions}";
}
