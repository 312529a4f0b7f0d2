namespace ChurnActors.Grains.Ingest;

/// <summary>
/// A refused event's reason, reduced to a few classes for metrics (the reason itself, with the
/// value it quotes, goes to the sender and the lake, never into a metric's attribute).
/// </summary>
public static class RejectionClass
{
    public const string Malformed = "malformed";
    public const string DuplicateField = "duplicate_field";
    public const string Msisdn = "msisdn";
    public const string Timestamp = "timestamp";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";

    public static string Of(string reason) =>
        reason.StartsWith("not UTF-8", StringComparison.Ordinal)
        || reason.StartsWith("not valid JSON", StringComparison.Ordinal)
        || reason.StartsWith("a probe event must be a JSON object", StringComparison.Ordinal)
        || reason.StartsWith("could not be read", StringComparison.Ordinal) ? Malformed
        : reason.Contains("appears twice", StringComparison.Ordinal) ? DuplicateField
        : reason.EndsWith(" is required", StringComparison.Ordinal) ? MissingField
        : reason.StartsWith("msisdn", StringComparison.Ordinal) ? Msisdn
        : reason.StartsWith("timestamp", StringComparison.Ordinal) ? Timestamp
        : InvalidField;
}
