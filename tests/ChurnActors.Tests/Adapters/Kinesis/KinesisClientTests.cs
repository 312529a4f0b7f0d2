using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Adapters.Kinesis;

/// <summary>The Kinesis client over the wire against kinesalite, several shards, with faults injected where Kinesis would raise them.</summary>
[Collection(KinesisCollection.Name)]
public sealed class KinesisClientTests(KinesisServer kinesis)
{
    [Fact]
    public async Task Records_put_in_chunks_are_read_back_once_each_from_the_shard_their_key_hashes_to()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 4);
        var wire = new WireFaults();
        var client = kinesis.Client(wire);

        var summary = await client.DescribeStreamSummaryAsync(stream, CancellationToken.None);
        var shards = await client.ListShardsAsync(stream, CancellationToken.None);
        var records = Enumerable.Range(0, 1200)
            .Select(i => new KinesisRecordToPut(Encoding.UTF8.GetBytes($"record-{i}"), $"+44770090{i % 300:D4}"))
            .ToList();
        var sequenceNumbers = await client.PutRecordsAsync(stream, records, CancellationToken.None);

        Assert.Equal(("ACTIVE", 4), (summary.StreamStatus, summary.OpenShardCount));
        Assert.Equal(4, shards.Count);
        Assert.Equal(3, wire.Sent("PutRecords"));
        Assert.Equal(1200, sequenceNumbers.Distinct().Count());

        var read = new Dictionary<string, List<(string Data, string Key, string Sequence)>>();
        foreach (var shard in shards)
        {
            read[shard.ShardId] = await ReadAllAsync(client, stream, shard.ShardId);
        }

        var all = read.Values.SelectMany(r => r).ToList();
        Assert.Equal(records.Select(r => Encoding.UTF8.GetString(r.Data)).Order(), all.Select(r => r.Data).Order());
        foreach (var (shardId, rows) in read)
        {
            var shard = shards.Single(s => s.ShardId == shardId);
            Assert.All(rows, r => Assert.True(shard.Covers(KinesisShardMap.HashKeyOf(r.Key)), $"{r.Key} read from {shardId}, outside its hash range"));
        }

        // One key's records come back in the order they were put.
        var oneKey = all.Where(r => r.Key == "+447700900007").Select(r => r.Data).ToList();
        Assert.Equal(["record-7", "record-307", "record-607", "record-907"], oneKey);
    }

    [Fact]
    public async Task A_put_is_split_at_five_mebibytes_and_a_record_over_one_mebibyte_is_refused()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 2);
        var wire = new WireFaults();
        var client = kinesis.Client(wire);
        var big = Enumerable.Range(0, 12).Select(i => new KinesisRecordToPut(new byte[900 * 1024], $"key-{i}")).ToList();

        var sequenceNumbers = await client.PutRecordsAsync(stream, big, CancellationToken.None);
        var tooBig = await Assert.ThrowsAsync<ArgumentException>(() =>
            client.PutRecordsAsync(stream, [new KinesisRecordToPut(new byte[1024 * 1024], "k")], CancellationToken.None));

        // 900 KiB records: five fit in 5 MiB, so 12 take three calls.
        Assert.Equal(3, wire.Sent("PutRecords"));
        Assert.Equal(12, sequenceNumbers.Count(s => s is not null));
        Assert.Contains("at most 1048576 bytes", tooBig.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_refused_in_a_partial_failure_are_sent_again_and_stored_once()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 2);
        var wire = new WireFaults();
        var client = kinesis.Client(wire);

        // Kinesis takes the even records and refuses the odd ones for throughput.
        wire.Next("PutRecords", async (request, body) =>
        {
            var json = JsonNode.Parse(body)!;
            var entries = json["Records"]!.AsArray();
            var taken = new JsonArray(entries.Where((_, i) => i % 2 == 0).Select(e => e!.DeepClone()).ToArray());
            var forwarded = await wire.ForwardAsync(request, new JsonObject { ["StreamName"] = json["StreamName"]!.DeepClone(), ["Records"] = taken }.ToJsonString());
            var results = JsonNode.Parse(await forwarded.Content.ReadAsStringAsync())!["Records"]!.AsArray();
            var merged = new JsonArray();
            for (var i = 0; i < entries.Count; i++)
            {
                merged.Add(i % 2 == 0
                    ? results[i / 2]!.DeepClone()
                    : new JsonObject { ["ErrorCode"] = "ProvisionedThroughputExceededException", ["ErrorMessage"] = "Rate exceeded for shard" });
            }

            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(new JsonObject { ["FailedRecordCount"] = entries.Count / 2, ["Records"] = merged }.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1"),
            };
        });

        var records = Enumerable.Range(0, 40).Select(i => new KinesisRecordToPut(Encoding.UTF8.GetBytes($"r{i}"), $"k{i}")).ToList();
        var sequenceNumbers = await client.PutRecordsAsync(stream, records, CancellationToken.None);

        Assert.Equal(2, wire.Sent("PutRecords"));
        Assert.Equal(40, sequenceNumbers.Distinct().Count());
        var stored = new List<string>();
        foreach (var shard in await client.ListShardsAsync(stream, CancellationToken.None))
        {
            stored.AddRange((await ReadAllAsync(client, stream, shard.ShardId)).Select(r => r.Data));
        }

        Assert.Equal(records.Select(r => Encoding.UTF8.GetString(r.Data)).Order(), stored.Order());
    }

    [Fact]
    public async Task Throttled_reads_are_retried_with_backoff_and_an_expired_iterator_is_the_callers_to_renew()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 1);
        var wire = new WireFaults();
        var client = kinesis.Client(wire);
        await client.PutRecordsAsync(stream, [new KinesisRecordToPut("one"u8.ToArray(), "k")], CancellationToken.None);
        var shard = (await client.ListShardsAsync(stream, CancellationToken.None)).Single().ShardId;
        var iterator = await client.GetShardIteratorAsync(stream, shard, ShardPosition.TrimHorizon, CancellationToken.None);

        wire.NextFails("GetRecords", "ProvisionedThroughputExceededException");
        wire.NextFails("GetRecords", "ProvisionedThroughputExceededException");
        var read = await client.GetRecordsAsync(iterator, 100, CancellationToken.None);
        Assert.Equal(3, wire.Sent("GetRecords"));
        Assert.Equal("one", Encoding.UTF8.GetString(read.Records.Single().Data));

        wire.NextFails("GetRecords", "ExpiredIteratorException");
        var expired = await Assert.ThrowsAsync<KinesisException>(() => client.GetRecordsAsync(read.NextShardIterator!, 100, CancellationToken.None));
        Assert.True(expired.IsExpiredIterator);
        Assert.Equal(4, wire.Sent("GetRecords"));

        // Renewed after the last record read, nothing is read twice.
        var renewed = await client.GetShardIteratorAsync(stream, shard, ShardPosition.AfterSequenceNumber(read.Records[0].SequenceNumber), CancellationToken.None);
        Assert.Empty((await client.GetRecordsAsync(renewed, 100, CancellationToken.None)).Records);
    }

    [Fact]
    public async Task Throttling_that_does_not_end_gives_up_after_the_attempts_with_the_error_named()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 1);
        var wire = new WireFaults();
        var client = kinesis.Client(wire, maxAttempts: 3);
        for (var i = 0; i < 3; i++)
        {
            wire.NextFails("DescribeStreamSummary", "LimitExceededException");
        }

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.DescribeStreamSummaryAsync(stream, CancellationToken.None));

        Assert.Equal(3, wire.Sent("DescribeStreamSummary"));
        Assert.True(error.IsThrottling);
        Assert.Contains("LimitExceededException", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_stream_is_an_error_that_names_it_and_is_not_retried()
    {
        var wire = new WireFaults();
        var client = kinesis.Client(wire);
        var missing = KinesisServer.NewStreamName();

        var error = await Assert.ThrowsAsync<KinesisException>(() => client.ListShardsAsync(missing, CancellationToken.None));

        Assert.Equal("ResourceNotFoundException", error.ErrorType);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(error.IsRetryable);
        Assert.Equal(1, wire.Sent("ListShards"));
    }

    [Fact]
    public async Task A_paged_shard_listing_is_followed_by_its_token_alone()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 5);
        var wire = new WireFaults();
        var client = kinesis.Client(wire);
        JsonArray? rest = null;
        string? secondRequest = null;

        // The first page holds two shards; the continuation must name the token and not the stream.
        wire.Next("ListShards", async (request, body) =>
        {
            var full = JsonNode.Parse(await (await wire.ForwardAsync(request, body)).Content.ReadAsStringAsync())!["Shards"]!.AsArray();
            rest = new JsonArray(full.Skip(2).Select(s => s!.DeepClone()).ToArray());
            var page = new JsonObject { ["Shards"] = new JsonArray(full.Take(2).Select(s => s!.DeepClone()).ToArray()), ["NextToken"] = "page-2" };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(page.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1") };
        });
        wire.Next("ListShards", (_, body) =>
        {
            secondRequest = body;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(new JsonObject { ["Shards"] = rest }.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1"),
            });
        });

        var shards = await client.ListShardsAsync(stream, CancellationToken.None);

        Assert.Equal(5, shards.Select(s => s.ShardId).Distinct().Count());
        using var second = JsonDocument.Parse(secondRequest!);
        Assert.Equal("page-2", second.RootElement.GetProperty("NextToken").GetString());
        Assert.False(second.RootElement.TryGetProperty("StreamName", out _));
    }

    internal static async Task<List<(string Data, string Key, string Sequence)>> ReadAllAsync(KinesisClient client, string stream, string shardId)
    {
        var rows = new List<(string, string, string)>();
        var iterator = await client.GetShardIteratorAsync(stream, shardId, ShardPosition.TrimHorizon, CancellationToken.None);
        while (iterator is not null)
        {
            var read = await client.GetRecordsAsync(iterator, 1000, CancellationToken.None);
            rows.AddRange(read.Records.Select(r => (Encoding.UTF8.GetString(r.Data), r.PartitionKey, r.SequenceNumber)));
            if (read.Records.Count == 0)
            {
                break;
            }

            iterator = read.NextShardIterator;
        }

        return rows;
    }
}
