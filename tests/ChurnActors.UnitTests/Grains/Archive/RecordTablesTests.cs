using System.Security.Cryptography;
using System.Text;
using ChurnActors.Grains.Archive;
using ChurnActors.Records;
using Parquet;
using Parquet.Schema;

namespace ChurnActors.UnitTests.Grains.Archive;

public sealed class RecordTablesTests
{
    private const string Msisdn = "+447700900123";
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_record_goes_to_its_table()
    {
        Assert.Equal("incidents", RecordTables.TableOf(Incident("evt-1", At)));
        Assert.Equal("engagements", RecordTables.TableOf(new EngagementRecord(null, At, Msisdn, IncidentType.CallDrop, "c", 0, 0, EngagementStatus.Suppressed, "r")));
        Assert.Equal("feedback", RecordTables.TableOf(new FeedbackRecord("e", "c", At, Msisdn, "cell", 3)));
        Assert.Equal("sentiment", RecordTables.TableOf(new SentimentRecord("e", At, Msisdn, "cell", null, null, IncidentType.CallDrop, 3, 10, 9, -1)));
        Assert.Equal("rejected", RecordTables.TableOf(RejectedRecord.Of(At, "http", "r", "{}"u8)));
    }

    [Fact]
    public async Task Writes_incidents_with_the_spec_columns()
    {
        ChurnRecord[] rows =
        [
            Incident("evt-1", At),
            new IncidentRecord("evt-2", new DateTimeOffset(2026, 11, 25, 14, 30, 0, TimeSpan.FromHours(2)), Msisdn, IncidentType.VideoStalling, "cell-2", null, null, 0.25, 8),
            Incident("evt-3", At.AddMinutes(5)),
        ];

        var table = await ReadAsync("incidents", rows);

        Assert.Equal(["event_id", "ts", "msisdn", "type", "cell", "device_tac", "vendor", "fail_rate", "window_sessions"], table.Columns);
        Assert.Equal(3, table.Rows);
        Assert.Equal(["evt-1", "evt-2", "evt-3"], table.Strings("event_id"));
        Assert.Equal(["CALL_DROP", "VIDEO_STALLING", "CALL_DROP"], table.Strings("type"));
        Assert.Equal(["35693803", null, "35693803"], table.Strings("device_tac"));
        Assert.Equal(["Ericsson", null, "Ericsson"], table.Strings("vendor"));
        Assert.Equal([0.2, 0.25, 0.2], table.Values<double>("fail_rate"));
        Assert.Equal([5, 8, 5], table.Values<int>("window_sessions"));
        Assert.Equal(
            [new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 25, 12, 30, 0, DateTimeKind.Utc), new DateTime(2026, 11, 25, 12, 5, 0, DateTimeKind.Utc)],
            table.Times("ts"));
        Assert.All(table.Times("ts"), ts => Assert.Equal(DateTimeKind.Utc, ts.Kind));
    }

    [Fact]
    public async Task Writes_engagements_with_the_spec_columns()
    {
        ChurnRecord[] rows =
        [
            new EngagementRecord("eng-0123abcd-0123456789abcdef", At, Msisdn, IncidentType.CallDrop, "cell-1", 0.2, 0.04, EngagementStatus.Pending, "threshold exceeded; within calling hours"),
            new EngagementRecord(null, At.AddMinutes(1), Msisdn, IncidentType.CallQuality, "cell-1", 0.5, 1.28, EngagementStatus.NoAnswer, "no call outcome reported"),
        ];

        var table = await ReadAsync("engagements", rows);

        Assert.Equal(["engagement_id", "ts", "msisdn", "type", "cell", "fail_rate", "severity", "status", "reason"], table.Columns);
        Assert.Equal(2, table.Rows);
        Assert.Equal(["eng-0123abcd-0123456789abcdef", null], table.Strings("engagement_id"));
        Assert.Equal(["pending", "no_answer"], table.Strings("status"));
        Assert.Equal(["CALL_DROP", "CALL_QUALITY"], table.Strings("type"));
        Assert.Equal([0.04, 1.28], table.Values<double>("severity"));
        Assert.Equal("no call outcome reported", table.Strings("reason")[1]);
        Assert.Equal(new DateTime(2026, 11, 25, 12, 1, 0, DateTimeKind.Utc), table.Times("ts")[1]);
    }

    [Fact]
    public async Task Writes_feedback_with_the_spec_columns()
    {
        ChurnRecord[] rows = [new FeedbackRecord("eng-0123abcd-0123456789abcdef", "contact-1", At, Msisdn, "cell-1", 4)];

        var table = await ReadAsync("feedback", rows);

        Assert.Equal(["engagement_id", "contact_id", "ts", "msisdn", "cell", "score"], table.Columns);
        Assert.Equal(1, table.Rows);
        Assert.Equal(["contact-1"], table.Strings("contact_id"));
        Assert.Equal([Msisdn], table.Strings("msisdn"));
        Assert.Equal([4], table.Values<int>("score"));
        Assert.Equal([At.UtcDateTime], table.Times("ts"));
    }

    [Fact]
    public async Task Writes_sentiment_with_the_spec_columns()
    {
        ChurnRecord[] rows =
        [
            new SentimentRecord("eng-0123abcd-0123456789abcdef", At, Msisdn, "cell-1", "35693803", "Ericsson", IncidentType.LowBitrate, 4, 10, 8, -2),
            new SentimentRecord("eng-0123abcd-fedcba9876543210", At.AddHours(1), Msisdn, "cell-2", null, null, IncidentType.CallDrop, 1, 8, 8, 0),
        ];

        var table = await ReadAsync("sentiment", rows);

        Assert.Equal(
            ["engagement_id", "ts", "msisdn", "cell", "device_tac", "vendor", "incident_type", "score", "sentiment_before", "sentiment_after", "change_sentiment"],
            table.Columns);
        Assert.Equal(2, table.Rows);
        Assert.Equal(["LOW_BITRATE", "CALL_DROP"], table.Strings("incident_type"));
        Assert.Equal([4, 1], table.Values<int>("score"));
        Assert.Equal([10, 8], table.Values<int>("sentiment_before"));
        Assert.Equal([8, 8], table.Values<int>("sentiment_after"));
        Assert.Equal([-2, 0], table.Values<int>("change_sentiment"));
        Assert.Equal(["35693803", null], table.Strings("device_tac"));
    }

    [Fact]
    public async Task Writes_rejected_events_with_the_spec_columns()
    {
        ChurnRecord[] rows =
        [
            RejectedRecord.Of(At, "http", "deviceTac must be 8 digits", """{"eventId":"evt-1","deviceTac":"123"}"""u8),
            RejectedRecord.Of(At.AddSeconds(1), "kinesis", "not valid JSON: end of data", "{"u8),
        ];

        var table = await ReadAsync("rejected", rows);

        Assert.Equal(["ts", "source", "reason", "payload", "payload_length", "payload_sha256"], table.Columns);
        Assert.Equal(2, table.Rows);
        Assert.Equal(["http", "kinesis"], table.Strings("source"));
        Assert.Equal(["""{"eventId":"evt-1","deviceTac":"123"}""", "{"], table.Strings("payload"));
        Assert.Equal([37, 1], table.Values<int>("payload_length"));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("{"u8)), table.Strings("payload_sha256")[1]);
        Assert.Equal(At.AddSeconds(1).UtcDateTime, table.Times("ts")[1]);
    }

    [Fact]
    public async Task Rows_beyond_a_row_group_s_bytes_go_to_further_row_groups_of_one_object()
    {
        var payload = Encoding.UTF8.GetBytes(new string('x', RejectedRecord.MaxPayloadBytes));
        var rows = Enumerable.Range(0, 400).Select(i => (ChurnRecord)RejectedRecord.Of(At, $"http-{i}", "too long", payload)).ToList();

        var bytes = await RecordTables.ToParquetAsync("rejected", rows, CancellationToken.None);

        using var stream = new MemoryStream(bytes);
        await using var reader = await ParquetReader.CreateAsync(stream);
        Assert.InRange(reader.RowGroupCount, 2, 10);
        long total = 0;
        var sources = new List<string?>();
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var values = new string?[rowGroup.RowCount];
            await rowGroup.ReadAsync(reader.Schema.GetDataFields().Single(f => f.Name == "source"), values.AsMemory()!);
            sources.AddRange(values);
            total += rowGroup.RowCount;
        }

        Assert.Equal(400, total);
        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"http-{i}"), sources);
    }

    [Fact]
    public async Task Refuses_an_unknown_table()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => RecordTables.ToParquetAsync("calls", [], CancellationToken.None));
    }

    private static IncidentRecord Incident(string eventId, DateTimeOffset at) =>
        new(eventId, at, Msisdn, IncidentType.CallDrop, "cell-1", "35693803", "Ericsson", 0.2, 5);

    private static async Task<Table> ReadAsync(string table, IReadOnlyList<ChurnRecord> rows)
    {
        var bytes = await RecordTables.ToParquetAsync(table, rows, CancellationToken.None);

        using var stream = new MemoryStream(bytes);
        await using var reader = await ParquetReader.CreateAsync(stream);
        Assert.Equal(1, reader.RowGroupCount);
        var fields = reader.Schema.GetDataFields();
        using var group = reader.OpenRowGroupReader(0);
        var count = (int)group.RowCount;
        var columns = new Dictionary<string, Array>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            columns[field.Name] = field switch
            {
                DateTimeDataField => await ReadAsync<DateTime>(group, field, count),
                _ when field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>) => await ReadStringsAsync(group, field, count),
                _ when field.ClrType == typeof(double) => await ReadAsync<double>(group, field, count),
                _ when field.ClrType == typeof(int) => await ReadAsync<int>(group, field, count),
                _ => throw new InvalidOperationException($"unexpected column type {field.ClrType} of {field.Name}"),
            };
        }

        var ts = Assert.IsType<DateTimeDataField>(fields.Single(f => f.Name == "ts"));
        Assert.True(ts.IsAdjustedToUTC);
        return new Table(fields.Select(f => f.Name).ToArray(), group.RowCount, columns);
    }

    private static async Task<Array> ReadAsync<T>(ParquetRowGroupReader group, DataField field, int count)
        where T : struct
    {
        var values = new T[count];
        await group.ReadAsync(field, values.AsMemory());
        return values;
    }

    private static async Task<Array> ReadStringsAsync(ParquetRowGroupReader group, DataField field, int count)
    {
        var values = new string?[count];
        await group.ReadAsync(field, values.AsMemory()!);
        return values;
    }

    private sealed record Table(string[] Columns, long Rows, Dictionary<string, Array> Data)
    {
        public IReadOnlyList<string?> Strings(string column) => (string?[])Data[column];

        public T[] Values<T>(string column) => (T[])Data[column];

        public DateTime[] Times(string column) => (DateTime[])Data[column];
    }
}
