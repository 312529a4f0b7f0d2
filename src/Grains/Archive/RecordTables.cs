using ChurnActors.Records;
using Parquet;
using Parquet.Schema;

namespace ChurnActors.Grains.Archive;

/// <summary>The data-lake tables (docs/design.md §6): each record type's folder and its Parquet schema with named columns.</summary>
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

    /// <summary>A row group holds at most this many bytes of rows (estimated from above), so readers and writers never need more memory than that per column chunk.</summary>
    public const int MaxRowGroupBytes = 16 * 1024 * 1024;

    /// <summary>Writes rows of one table as a Parquet file, in row groups of at most <see cref="MaxRowGroupBytes"/>.</summary>
    public static async Task<byte[]> ToParquetAsync(string table, IReadOnlyList<ChurnRecord> rows, CancellationToken cancellationToken)
    {
        var columns = ColumnsOf(table);
        using var output = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(columns.Select(c => c.Field).ToArray()), output, cancellationToken: cancellationToken))
        {
            foreach (var group in new RecordBatch(rows).Split(MaxRowGroupBytes))
            {
                using var rowGroup = writer.CreateRowGroup();
                foreach (var column in columns)
                {
                    await column.WriteAsync(rowGroup, group.Records, cancellationToken);
                }
            }
        }

        return output.ToArray();
    }

    /// <summary>A table's columns, made anew for each file: a Parquet field belongs to the one schema it is attached to.</summary>
    private static List<Column> ColumnsOf(string table) => table switch
    {
        "incidents" => Incidents(),
        "engagements" => Engagements(),
        "feedback" => Feedback(),
        "sentiment" => Sentiment(),
        "rejected" => Rejected(),
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, "Unknown data-lake table."),
    };

    private static List<Column> Incidents() =>
    [
        Text<IncidentRecord>("event_id", r => r.EventId),
        Time<IncidentRecord>("ts", r => r.Ts),
        Text<IncidentRecord>("msisdn", r => r.Msisdn),
        Text<IncidentRecord>("type", r => r.Type.ToWire()),
        Text<IncidentRecord>("cell", r => r.Cell),
        Text<IncidentRecord>("device_tac", r => r.DeviceTac),
        Text<IncidentRecord>("vendor", r => r.Vendor),
        Number<IncidentRecord, double>("fail_rate", r => r.FailRate),
        Number<IncidentRecord, int>("window_sessions", r => r.WindowSessions),
    ];

    private static List<Column> Engagements() =>
    [
        Text<EngagementRecord>("engagement_id", r => r.EngagementId),
        Time<EngagementRecord>("ts", r => r.Ts),
        Text<EngagementRecord>("msisdn", r => r.Msisdn),
        Text<EngagementRecord>("type", r => r.Type.ToWire()),
        Text<EngagementRecord>("cell", r => r.Cell),
        Number<EngagementRecord, double>("fail_rate", r => r.FailRate),
        Number<EngagementRecord, double>("severity", r => r.Severity),
        Text<EngagementRecord>("status", r => r.Status.ToWire()),
        Text<EngagementRecord>("reason", r => r.Reason),
    ];

    private static List<Column> Feedback() =>
    [
        Text<FeedbackRecord>("engagement_id", r => r.EngagementId),
        Text<FeedbackRecord>("contact_id", r => r.ContactId),
        Time<FeedbackRecord>("ts", r => r.Ts),
        Text<FeedbackRecord>("msisdn", r => r.Msisdn),
        Text<FeedbackRecord>("cell", r => r.Cell),
        Number<FeedbackRecord, int>("score", r => r.Score),
    ];

    private static List<Column> Sentiment() =>
    [
        Text<SentimentRecord>("engagement_id", r => r.EngagementId),
        Time<SentimentRecord>("ts", r => r.Ts),
        Text<SentimentRecord>("msisdn", r => r.Msisdn),
        Text<SentimentRecord>("cell", r => r.Cell),
        Text<SentimentRecord>("device_tac", r => r.DeviceTac),
        Text<SentimentRecord>("vendor", r => r.Vendor),
        Text<SentimentRecord>("incident_type", r => r.IncidentType.ToWire()),
        Number<SentimentRecord, int>("score", r => r.Score),
        Number<SentimentRecord, int>("sentiment_before", r => r.SentimentBefore),
        Number<SentimentRecord, int>("sentiment_after", r => r.SentimentAfter),
        Number<SentimentRecord, int>("change_sentiment", r => r.ChangeSentiment),
    ];

    private static List<Column> Rejected() =>
    [
        Time<RejectedRecord>("ts", r => r.Ts),
        Text<RejectedRecord>("source", r => r.Source),
        Text<RejectedRecord>("reason", r => r.Reason),
        Text<RejectedRecord>("payload", r => r.Payload),
        Number<RejectedRecord, int>("payload_length", r => r.PayloadLength),
        Text<RejectedRecord>("payload_sha256", r => r.PayloadSha256),
    ];

    private static Column Text<T>(string name, Func<T, string?> value)
    {
        var field = new DataField<string>(name, true);
        return new Column(field, (group, rows, _) => group.WriteAsync(field, rows.Cast<T>().Select(value).ToArray()));
    }

    private static Column Number<T, TValue>(string name, Func<T, TValue> value)
        where TValue : struct
    {
        var field = new DataField<TValue>(name, false);
        return new Column(field, (group, rows, token) => group.WriteAsync(field, new ReadOnlyMemory<TValue>(rows.Cast<T>().Select(value).ToArray()), cancellationToken: token));
    }

    private static Column Time<T>(string name, Func<T, DateTimeOffset> value)
    {
        var field = new DateTimeDataField(name, DateTimeFormat.DateAndTime, isAdjustedToUTC: true, isNullable: false);
        return new Column(field, (group, rows, token) => group.WriteAsync(field, new ReadOnlyMemory<DateTime>(rows.Cast<T>().Select(r => value(r).UtcDateTime).ToArray()), cancellationToken: token));
    }

    private sealed record Column(DataField Field, Func<ParquetRowGroupWriter, IReadOnlyList<ChurnRecord>, CancellationToken, Task> WriteAsync);
}
