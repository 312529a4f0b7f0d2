using ChurnActors.Records;
using Parquet;
using Parquet.Schema;

namespace ChurnActors.Grains.Archive;

/// <summary>The data-lake tables (SPEC §6): each record type's folder and its Parquet schema with named columns.</summary>
public static class RecordTables
{
    public static string TableOf(ChurnRecord record) => record switch
    {
        IncidentRecord => "incidents",
        EngagementRecord => "engagements",
        FeedbackRecord => "feedback",
        SentimentRecord => "sentiment",
        RejectedRecord => "rejected",
        _ => throw new ArgumentOutOfRangeException(nameof(record), record.GetType().Name, "Not a data-lake record."),
    };

    /// <summary>Writes rows of one table as a Parquet file.</summary>
    public static async Task<byte[]> ToParquetAsync(string table, IReadOnlyList<ChurnRecord> rows, CancellationToken cancellationToken)
    {
        var columns = table switch
        {
            "incidents" => Incidents(rows.Cast<IncidentRecord>().ToList()),
            "engagements" => Engagements(rows.Cast<EngagementRecord>().ToList()),
            "feedback" => Feedback(rows.Cast<FeedbackRecord>().ToList()),
            "sentiment" => Sentiment(rows.Cast<SentimentRecord>().ToList()),
            "rejected" => Rejected(rows.Cast<RejectedRecord>().ToList()),
            _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Unknown data-lake table."),
        };

        using var output = new MemoryStream();
        var schema = new ParquetSchema(columns.Select(c => c.Field).ToArray());
        await using (var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: cancellationToken))
        {
            using var group = writer.CreateRowGroup();
            foreach (var column in columns)
            {
                await column.WriteAsync(group, cancellationToken);
            }
        }

        return output.ToArray();
    }

    private static List<Column> Incidents(List<IncidentRecord> rows) =>
    [
        Text("event_id", rows, r => r.EventId),
        Time("ts", rows, r => r.Ts),
        Text("msisdn", rows, r => r.Msisdn),
        Text("type", rows, r => r.Type.ToWire()),
        Text("cell", rows, r => r.Cell),
        Text("device_tac", rows, r => r.DeviceTac),
        Text("vendor", rows, r => r.Vendor),
        Number("fail_rate", rows, r => r.FailRate),
        Number("window_sessions", rows, r => r.WindowSessions),
    ];

    private static List<Column> Engagements(List<EngagementRecord> rows) =>
    [
        Text("engagement_id", rows, r => r.EngagementId),
        Time("ts", rows, r => r.Ts),
        Text("msisdn", rows, r => r.Msisdn),
        Text("type", rows, r => r.Type.ToWire()),
        Text("cell", rows, r => r.Cell),
        Number("fail_rate", rows, r => r.FailRate),
        Number("severity", rows, r => r.Severity),
        Text("status", rows, r => r.Status.ToWire()),
        Text("reason", rows, r => r.Reason),
    ];

    private static List<Column> Feedback(List<FeedbackRecord> rows) =>
    [
        Text("engagement_id", rows, r => r.EngagementId),
        Text("contact_id", rows, r => r.ContactId),
        Time("ts", rows, r => r.Ts),
        Text("msisdn", rows, r => r.Msisdn),
        Text("cell", rows, r => r.Cell),
        Number("score", rows, r => r.Score),
    ];

    private static List<Column> Sentiment(List<SentimentRecord> rows) =>
    [
        Text("engagement_id", rows, r => r.EngagementId),
        Time("ts", rows, r => r.Ts),
        Text("msisdn", rows, r => r.Msisdn),
        Text("cell", rows, r => r.Cell),
        Text("device_tac", rows, r => r.DeviceTac),
        Text("vendor", rows, r => r.Vendor),
        Text("incident_type", rows, r => r.IncidentType.ToWire()),
        Number("score", rows, r => r.Score),
        Number("sentiment_before", rows, r => r.SentimentBefore),
        Number("sentiment_after", rows, r => r.SentimentAfter),
        Number("change_sentiment", rows, r => r.ChangeSentiment),
    ];

    private static List<Column> Rejected(List<RejectedRecord> rows) =>
    [
        Time("ts", rows, r => r.Ts),
        Text("source", rows, r => r.Source),
        Text("reason", rows, r => r.Reason),
        Text("payload", rows, r => r.Payload),
    ];

    private static Column Text<T>(string name, List<T> rows, Func<T, string?> value)
    {
        var field = new DataField<string>(name, true);
        return new Column(field, (group, _) => group.WriteAsync(field, rows.Select(value).ToArray()));
    }

    private static Column Number<T, TValue>(string name, List<T> rows, Func<T, TValue> value)
        where TValue : struct
    {
        var field = new DataField<TValue>(name, false);
        return new Column(field, (group, token) => group.WriteAsync(field, new ReadOnlyMemory<TValue>(rows.Select(value).ToArray()), cancellationToken: token));
    }

    private static Column Time<T>(string name, List<T> rows, Func<T, DateTimeOffset> value)
    {
        var field = new DateTimeDataField(name, DateTimeFormat.DateAndTime, isAdjustedToUTC: true, isNullable: false);
        return new Column(field, (group, token) => group.WriteAsync(field, new ReadOnlyMemory<DateTime>(rows.Select(r => value(r).UtcDateTime).ToArray()), cancellationToken: token));
    }

    private sealed record Column(DataField Field, Func<ParquetRowGroupWriter, CancellationToken, Task> WriteAsync);
}
