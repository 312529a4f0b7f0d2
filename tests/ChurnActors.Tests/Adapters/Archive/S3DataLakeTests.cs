using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3.Model;
using ChurnActors.Adapters.Archive;
using ChurnActors.Gateway.Apis;
using ChurnActors.Grains.Archive;
using ChurnActors.Tests.Silo;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Adapters.Archive;

/// <summary>The data lake on S3 (s3rver, over the wire), read back with DuckDB rather than the library that wrote it.</summary>
[Collection(S3Collection.Name)]
public sealed partial class S3DataLakeTests(S3Server s3) : IDisposable
{
    private static readonly Dictionary<string, string[]> Columns = new()
    {
        ["incidents"] = ["event_id", "ts", "msisdn", "type", "cell", "device_tac", "vendor", "fail_rate", "window_sessions"],
        ["engagements"] = ["engagement_id", "ts", "msisdn", "type", "cell", "fail_rate", "severity", "status", "reason"],
        ["feedback"] = ["engagement_id", "contact_id", "ts", "msisdn", "cell", "score"],
        ["sentiment"] = ["engagement_id", "ts", "msisdn", "cell", "device_tac", "vendor", "incident_type", "score", "sentiment_before", "sentiment_after", "change_sentiment"],
        ["rejected"] = ["ts", "source", "reason", "payload", "payload_length", "payload_sha256"],
    };

    private readonly string _download = Path.Combine(Path.GetTempPath(), "churn-test-download-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_download))
        {
            Directory.Delete(_download, recursive: true);
        }
    }

    [Fact]
    public async Task Records_land_as_parquet_under_their_keys_and_the_shipped_heatmap_query_ranks_cells_as_the_live_ranking()
    {
        var cells = new[] { "worst", "bad", "quiet" }.Select(c => $"234-15-{c}-{Guid.NewGuid().ToString("N")[..6]}").ToArray();
        IReadOnlyList<CellRanking> live;
        await using (var silo = await StartAsync())
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
            var worst = Enumerable.Range(0, 3).Select(_ => Probe.NewMsisdn()).ToArray();
            var bad = Enumerable.Range(0, 2).Select(_ => Probe.NewMsisdn()).ToArray();
            await silo.Http.PostAsJsonAsync("/api/v1/probe-events", worst.SelectMany(m => Probe.BadExperience(m, cells[0]))
                .Concat(bad.SelectMany(m => Probe.BadExperience(m, cells[1])))
                .Append(Probe.Event(Probe.NewMsisdn(), "VIDEO_STALLING", true, cell: cells[2]))
                .Append(Probe.Event("not-a-number", "CALL_DROP", true))
                .ToArray());
            live = await ChurnHost.EventuallyAsync(
                async () => (IReadOnlyList<CellRanking>)(await silo.Http.GetFromJsonAsync<List<CellRanking>>("/api/v1/cells?top=100", JsonSerializerOptions.Web))!,
                ranking => ranking.Sum(c => c.Feedback) == 5 && ranking.Count == 3,
                "every answer in the live ranking");

            // Stopping flushes the archivers: everything the silo saw is in the bucket.
        }

        var keys = await s3.DownloadAsync(_download);

        Assert.All(keys, key => Assert.Matches(ObjectKeyPattern(), key));
        foreach (var (table, columns) in Columns)
        {
            Assert.Contains(keys, k => k.StartsWith(table + "/", StringComparison.Ordinal));
            var described = await LakeQuery.RunAsync(_download, $"DESCRIBE {table}");
            Assert.Equal([.. columns, "dt", "hour"], described.Select(c => c["column_name"].GetString()));
        }

        Assert.Equal("5", (await LakeQuery.RunAsync(_download, "SELECT COUNT(*) AS n FROM sentiment"))[0]["n"].GetString());
        Assert.Equal("10", (await LakeQuery.RunAsync(_download, "SELECT SUM(change_sentiment) * -1 AS n FROM sentiment"))[0]["n"].GetString());
        var heatmap = await LakeQuery.RunAsync(_download, Path.Combine(Repository.Root, "deploy", "athena", "heatmap.sql"), isFile: true);
        Assert.Equal(
            live.Select(c => (c.Cell, c.Subscribers, c.Incidents, c.Feedback, c.ChangeSentiment, Math.Round(c.Priority, 6))),
            heatmap.Select(r => (
                r["cell"].GetString()!,
                long.Parse(r["subscribers"].GetString()!, CultureInfo.InvariantCulture),
                long.Parse(r["incidents"].GetString()!, CultureInfo.InvariantCulture),
                long.Parse(r["feedback"].GetString()!, CultureInfo.InvariantCulture),
                long.Parse(r["change_sentiment"].GetString()!, CultureInfo.InvariantCulture),
                Math.Round(r["priority"].GetDouble(), 6))));
        Assert.Equal(cells, live.Select(c => c.Cell));
    }

    [Fact]
    public async Task A_short_outage_of_s3_in_the_middle_is_ridden_out_by_retries_and_loses_no_row_nor_duplicates_one()
    {
        var msisdn = Probe.NewMsisdn();
        await using (var silo = await StartAsync())
        {
            await s3.StopAsync();
            try
            {
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await silo.Http.GetAsync("/health/ready")).StatusCode);
                await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn));
                await ChurnHost.EventuallyAsync(
                    () => silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web),
                    v => v!.Feedback.Count == 1,
                    "the answer while the lake is down");

                // Several flush attempts fail meanwhile.
                await Task.Delay(TimeSpan.FromSeconds(3));
            }
            finally
            {
                await s3.StartAgainAsync();
            }

            await ChurnHost.EventuallyAsync(
                async () =>
                {
                    await s3.DownloadAsync(_download);
                    return await CountAsync("sentiment", msisdn);
                },
                count => count == 1,
                "the rows written once the lake is back",
                TimeSpan.FromSeconds(60));
        }

        await s3.DownloadAsync(_download);
        Assert.Equal(3, await CountAsync("incidents", msisdn));
        Assert.Equal(1, await CountAsync("feedback", msisdn));
        Assert.Equal(1, await CountAsync("sentiment", msisdn));
        Assert.Equal(5, await CountAsync("engagements", msisdn));
    }

    [Fact]
    public async Task Writing_a_range_again_replaces_its_object_instead_of_adding_one()
    {
        var sink = new S3ArchiveSink(s3.Client, S3Server.Bucket, kmsKeyId: null);
        var at = new DateTimeOffset(2026, 11, 25, 18, 40, 0, TimeSpan.Zero);
        var key = ArchiverGrain.ObjectKey("replay-test", at, "p1-1764095000000-639312296867142857", 3);

        await sink.PutAsync(key, "first"u8.ToArray(), CancellationToken.None);
        await sink.PutAsync(ArchiverGrain.ObjectKey("replay-test", at, "p1-1764095000000-639312296867142857", 3), "replayed"u8.ToArray(), CancellationToken.None);

        Assert.Equal("replay-test/dt=2026-11-25/hour=18/p1-1764095000000-639312296867142857-00003.parquet", key);
        var listed = await s3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Server.Bucket, Prefix = "replay-test/" });
        Assert.Equal(key, Assert.Single(listed.S3Objects).Key);
        using var stored = await s3.Client.GetObjectAsync(S3Server.Bucket, key);
        Assert.Equal("replayed", await new StreamReader(stored.ResponseStream).ReadToEndAsync());
    }

    private async Task<long> CountAsync(string table, string msisdn) =>
        long.Parse((await LakeQuery.RunAsync(_download, $"SELECT COUNT(*) AS n FROM {table} WHERE msisdn = '{msisdn}'"))[0]["n"].GetString()!, CultureInfo.InvariantCulture);

    private Task<TestSilo> StartAsync() => TestSilo.StartAsync(new Dictionary<string, string?>
    {
        ["Churn:Archive:Provider"] = "S3",
        ["Churn:Archive:S3:ServiceUrl"] = s3.Url.ToString(),
        ["Churn:Archive:S3:Bucket"] = S3Server.Bucket,
        ["Churn:Archive:FlushInterval"] = "00:00:00.500",
    });

    [GeneratedRegex(@"^(incidents|engagements|feedback|sentiment|rejected)/dt=\d{4}-\d{2}-\d{2}/hour=\d{2}/p\d-\d+-\d{12,}-\d{5}\.parquet$")]
    private static partial Regex ObjectKeyPattern();
}
