using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// <c>Churn:Streams:Provider=Kinesis</c> against kinesalite (four shards) with state and checkpoints
/// in dynalite: probe events put by an independent producer — plain JSON, msisdn as partition key —
/// are counted once each by their subscribers, malformed ones are rejected without holding up
/// their shard, and a silo killed mid-stream resumes from its checkpoints on restart.
/// </summary>
[Collection(KinesisCollection.Name)]
public sealed class KinesisStreamsTests(KinesisServer kinesis, DynamoDbServer dynamo, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Events_from_an_independent_producer_reach_their_subscribers_once_each_and_malformed_records_are_rejected_without_stalling()
    {
        var (probeStream, checkpointTable) = (KinesisServer.NewStreamName(), DynamoDbServer.NewTableName());
        var settings = KinesisProbes.Settings(dynamo, kinesis, probeStream, checkpointTable);
        await using var silo = await TestSilo.StartAsync(settings);
        var producer = kinesis.Client();

        var subscribers = Enumerable.Range(0, 60).Select(_ => Probe.NewMsisdn()).ToArray();
        var events = subscribers.SelectMany(m => Enumerable.Range(0, 10).Select(i => KinesisProbes.Record(m, i))).OrderBy(_ => Random.Shared.Next()).ToList();
        var malformed = new[]
        {
            new KinesisRecordToPut("{\"eventId\":"u8.ToArray(), subscribers[0]),
            new KinesisRecordToPut(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Probe.Event(subscribers[1], "CALL_DROPPED", false))), subscribers[1]),
            new KinesisRecordToPut(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Probe.Event("12ab", "CALL_DROP", false))), "12ab"),
            new KinesisRecordToPut([0xff, 0xfe, 0x00], subscribers[2]),
        };

        // Malformed records in the middle of the shards' traffic, and some events put twice (a producer's retry).
        await producer.PutRecordsAsync(probeStream, events[..300], CancellationToken.None);
        await producer.PutRecordsAsync(probeStream, malformed, CancellationToken.None);
        await producer.PutRecordsAsync(probeStream, [.. events[300..], .. events[..30]], CancellationToken.None);

        foreach (var msisdn in subscribers)
        {
            await ChurnHost.EventuallyAsync(() => KinesisProbes.SessionsAsync(silo.Http, msisdn), n => n == 10, $"the 10 events of {msisdn}", TimeSpan.FromSeconds(60));
        }

        var rejected = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(silo.LakePath, "rejected")).Where(r => ((string)r["source"]!).StartsWith($"kinesis:{probeStream}/", StringComparison.Ordinal)).ToList(),
            r => r.Count == malformed.Length,
            "the malformed records in the rejected table",
            TimeSpan.FromSeconds(60));
        var checkpoints = await ChurnHost.EventuallyAsync(
            async () => (await KinesisProbes.CheckpointsAsync(dynamo.Client, checkpointTable, probeStream)).ToDictionary(c => c.Key, c => c.Value.Sequence),
            c => c.Count == 4 && c.Values.All(s => s is not null),
            "a checkpoint for each of the four shards");

        // Delivered once each, also after the duplicates had their turn.
        await Task.Delay(1500);
        foreach (var msisdn in subscribers)
        {
            Assert.Equal(10, await KinesisProbes.SessionsAsync(silo.Http, msisdn));
        }

        Assert.Contains(rejected, r => ((string)r["reason"]!).Contains("type", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(rejected, r => ((string)r["reason"]!).Contains("UTF-8", StringComparison.Ordinal));
        var shardEnds = await LastSequenceNumbersAsync(probeStream);
        Assert.Equal(shardEnds, checkpoints);

        // The rejections went to the archivers over the Kinesis record stream.
        var recordStream = settings["Churn:Streams:Kinesis:RecordStream"]!;
        var recordShards = await producer.ListShardsAsync(recordStream, CancellationToken.None);
        var carried = 0;
        foreach (var shard in recordShards)
        {
            carried += (await Adapters.Kinesis.KinesisClientTests.ReadAllAsync(producer, recordStream, shard.ShardId)).Count;
        }

        Assert.True(carried >= 1, "the record stream carried no record");

        // The shard gauges: each of this stream's four shards read by this silo, caught up, not stalled.
        var gauges = ShardGauges(probeStream);
        Assert.Equal(4, gauges.Count(g => g.Name == "churn.kinesis.millis_behind_latest"));
        Assert.Equal(4, gauges.Count(g => g.Name == "churn.kinesis.checkpoint.age"));
        Assert.All(gauges.Where(g => g.Name == "churn.kinesis.checkpoint.age"), g => Assert.Equal(0, g.Value));
        output.WriteLine(string.Join(", ", gauges.Select(g => $"{g.Name} {g.Shard} {g.Value}")));
    }

    /// <summary>The per-shard gauges of the churn meter for <paramref name="stream"/>, observed now.</summary>
    private static List<(string Name, string Shard, double Value)> ShardGauges(string stream)
    {
        var seen = new List<(string Name, string Shard, double Value)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ChurnActors.Telemetry.ChurnMetrics.MeterName && instrument.Name.StartsWith("churn.kinesis.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record(System.Diagnostics.Metrics.Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? of = null, shard = null;
            foreach (var tag in tags)
            {
                (of, shard) = tag.Key switch { "churn.stream" => (tag.Value as string, shard), "churn.shard" => (of, tag.Value as string), _ => (of, shard) };
            }

            if (of == stream)
            {
                seen.Add((instrument.Name, shard!, value));
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        listener.RecordObservableInstruments();
        return seen;
    }

    [Fact]
    public async Task A_silo_killed_mid_stream_resumes_from_its_checkpoints_with_no_event_lost_and_none_counted_twice()
    {
        var settings = KinesisProbes.Settings(dynamo, kinesis, KinesisServer.NewStreamName(), DynamoDbServer.NewTableName());
        var probeStream = settings["Churn:Streams:Kinesis:ProbeStream"]!;
        settings["Churn:Streams:Kinesis:CheckpointInterval"] = "00:00:01";
        var producer = kinesis.Client();
        var subscribers = Enumerable.Range(0, 200).Select(_ => Probe.NewMsisdn()).ToArray();
        var malformed = Enumerable.Range(0, 20).Select(i => new KinesisRecordToPut(Encoding.UTF8.GetBytes($"{{\"eventId\":\"broken-{i}\""), subscribers[i]));
        var events = subscribers.SelectMany(m => Enumerable.Range(0, 10).Select(i => KinesisProbes.Record(m, i))).Concat(malformed).OrderBy(_ => Random.Shared.Next()).ToList();
        var lake = Path.Combine(Path.GetTempPath(), "churn-test-lake-" + Guid.NewGuid().ToString("N"));
        settings["Churn:Archive:LocalDirectory:Path"] = lake;

        try
        {
            await ChurnProcess.WithSilosAsync(async silos =>
            {
                var first = await ChurnProcess.StartAsync(settings);
                silos.Add(first);

                // The producer keeps putting while the silo dies and comes back: 40 batches of 50, 100 ms apart.
                var putting = Task.Run(async () =>
                {
                    foreach (var batch in events.Chunk(50))
                    {
                        await producer.PutRecordsAsync(probeStream, batch, CancellationToken.None);
                        await Task.Delay(100);
                    }
                });
                var consumed = await ChurnHost.EventuallyAsync(() => AcceptedAsync(first.Http), n => n >= 500, "the first silo to take 500 events", TimeSpan.FromSeconds(60));
                await first.KillAsync();
                var killedAt = Stopwatch.StartNew();

                // Subscribers wrote what they counted behind: no checkpoint may be ahead of what they wrote.
                var behind = await CheckpointsBehindWrittenStateAsync(settings, probeStream);

                var second = await ChurnProcess.StartAsync(settings);
                silos.Add(second);
                var ready = killedAt.Elapsed;
                await putting;
                foreach (var msisdn in subscribers)
                {
                    await ChurnHost.EventuallyAsync(() => KinesisProbes.SessionsAsync(second.Http, msisdn), n => n >= 10, $"the 10 events of {msisdn}", TimeSpan.FromSeconds(90));
                }

                var recovered = killedAt.Elapsed;
                await Task.Delay(2000);
                var counts = new Dictionary<string, int>();
                foreach (var msisdn in subscribers)
                {
                    counts[msisdn] = await KinesisProbes.SessionsAsync(second.Http, msisdn);
                }

                // The rejections travelled the Kinesis record stream to the lake: none lost.
                var rejected = await ChurnHost.EventuallyAsync(
                    async () => (await LakeReader.ReadTableAsync(lake, "rejected")).Select(r => (string)r["payload"]!).ToList(),
                    r => r.Distinct().Count() == 20,
                    "the 20 malformed records in the lake",
                    TimeSpan.FromSeconds(60));

                var stats = await second.Http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web);
                output.WriteLine($"Killed after {consumed} events taken; the new silo was ready {ready.TotalSeconds:F1} s later and every event was counted {recovered.TotalSeconds:F1} s after the kill; {stats!.EventsDuplicate} replayed events absorbed by event id; {rejected.Count} rejected rows for 20 malformed records.");
                Assert.All(counts, c => Assert.Equal(10, c.Value));
                Assert.Equal(20, rejected.Count);

                // Written behind: fewer state writes than events (each write is the item's version).
                var writes = await StateWritesAsync(settings["Churn:Storage:DynamoDb:TableName"]!);
                output.WriteLine($"At the kill {behind.Checkpointed} events were behind the checkpoints, each counted in the written state; {writes} state writes for {events.Count - 20} events.");
                Assert.True(writes < events.Count - 20, $"{writes} state writes for {events.Count - 20} events: nothing was coalesced");
            });
        }
        finally
        {
            if (Directory.Exists(lake))
            {
                Directory.Delete(lake, recursive: true);
            }
        }
    }

    [Fact]
    public async Task A_split_shard_is_read_to_its_end_and_then_its_children_with_every_event_counted_once()
    {
        var (probeStream, checkpointTable) = (KinesisServer.NewStreamName(), DynamoDbServer.NewTableName());
        var settings = KinesisProbes.Settings(dynamo, kinesis, probeStream, checkpointTable);
        settings["Churn:Streams:Kinesis:Shards"] = "1";
        await using var silo = await TestSilo.StartAsync(settings);
        var producer = kinesis.Client();
        var subscribers = Enumerable.Range(0, 10).Select(_ => Probe.NewMsisdn()).ToArray();

        await producer.PutRecordsAsync(probeStream, [.. subscribers.SelectMany(m => Enumerable.Range(0, 5).Select(i => KinesisProbes.Record(m, i)))], CancellationToken.None);
        foreach (var msisdn in subscribers)
        {
            await ChurnHost.EventuallyAsync(() => KinesisProbes.SessionsAsync(silo.Http, msisdn), n => n == 5, $"the first 5 events of {msisdn}", TimeSpan.FromSeconds(30));
        }

        var parent = (await producer.ListShardsAsync(probeStream, CancellationToken.None)).Single().ShardId;
        await kinesis.SplitShardAsync(probeStream, parent, System.Numerics.BigInteger.Pow(2, 127).ToString(CultureInfo.InvariantCulture));
        await producer.PutRecordsAsync(probeStream, [.. subscribers.SelectMany(m => Enumerable.Range(5, 5).Select(i => KinesisProbes.Record(m, i)))], CancellationToken.None);

        foreach (var msisdn in subscribers)
        {
            await ChurnHost.EventuallyAsync(() => KinesisProbes.SessionsAsync(silo.Http, msisdn), n => n == 10, $"the 10 events of {msisdn}", TimeSpan.FromSeconds(60));
        }

        var shards = await producer.ListShardsAsync(probeStream, CancellationToken.None);
        var checkpoints = await ChurnHost.EventuallyAsync(
            () => KinesisProbes.CheckpointsAsync(dynamo.Client, checkpointTable, probeStream),
            c => c.Count == 3 && c[parent].Ended && shards.Where(s => s.ShardId != parent).All(s => c[s.ShardId].Sequence is not null || !HasRecords(s)),
            "the parent ended and its children checkpointed");
        await Task.Delay(1000);
        foreach (var msisdn in subscribers)
        {
            Assert.Equal(10, await KinesisProbes.SessionsAsync(silo.Http, msisdn));
        }

        Assert.Equal(3, shards.Count);
        Assert.True(checkpoints[parent].Ended);

        bool HasRecords(KinesisShard shard) => subscribers.Any(m => shard.Covers(KinesisShardMap.HashKeyOf(m)));
    }

    /// <summary>
    /// With the silo dead: every event in a shard at or before its checkpoint must be counted in the
    /// state its subscriber wrote. Read by a silo that does not read the stream (so nothing is replayed)
    /// on the same state table.
    /// </summary>
    private async Task<(int Checkpointed, int Subscribers)> CheckpointsBehindWrittenStateAsync(Dictionary<string, string?> settings, string stream)
    {
        var checkpoints = await KinesisProbes.CheckpointsAsync(dynamo.Client, settings["Churn:Streams:Kinesis:CheckpointTable"]!, stream);
        var client = kinesis.Client();
        var expected = new Dictionary<string, HashSet<string>>();
        foreach (var (shard, checkpoint) in checkpoints)
        {
            if (checkpoint.Sequence is null)
            {
                continue;
            }

            var upTo = System.Numerics.BigInteger.Parse(checkpoint.Sequence, CultureInfo.InvariantCulture);
            foreach (var row in await Adapters.Kinesis.KinesisClientTests.ReadAllAsync(client, stream, shard))
            {
                if (System.Numerics.BigInteger.Parse(row.Sequence, CultureInfo.InvariantCulture) <= upTo && !row.Data.Contains("broken-", StringComparison.Ordinal))
                {
                    var eventId = JsonDocument.Parse(row.Data).RootElement.GetProperty("eventId").GetString()!;
                    (expected.TryGetValue(row.Key, out var ids) ? ids : expected[row.Key] = []).Add(eventId);
                }
            }
        }

        Assert.NotEmpty(expected);
        var readOnly = new Dictionary<string, string?>(settings) { ["Churn:Streams:Provider"] = "Memory" };
        await using var reader = await ChurnProcess.StartAsync(readOnly);
        foreach (var (msisdn, ids) in expected)
        {
            var written = await KinesisProbes.SessionsAsync(reader.Http, msisdn);
            Assert.True(written >= ids.Count, $"{Msisdns.Mask(msisdn)}: {ids.Count} of its events are behind a checkpoint, its written state counts {written}");
        }

        return (expected.Values.Sum(i => i.Count), expected.Count);
    }

    /// <summary>State writes so far: each item's version counts its writes.</summary>
    private async Task<long> StateWritesAsync(string table) =>
        (await dynamo.Client.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true })).Items
            .Where(i => i["sk"].S == "subscriber")
            .Sum(i => long.Parse(i["etag"].N, CultureInfo.InvariantCulture));

    private static async Task<long> AcceptedAsync(HttpClient http)
    {
        try
        {
            return (await http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web))!.EventsAccepted;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>The sequence number of each shard's last record, as read straight from the stream.</summary>
    private async Task<Dictionary<string, string?>> LastSequenceNumbersAsync(string stream)
    {
        var client = kinesis.Client();
        var last = new Dictionary<string, string?>();
        foreach (var shard in await client.ListShardsAsync(stream, CancellationToken.None))
        {
            var rows = await Adapters.Kinesis.KinesisClientTests.ReadAllAsync(client, stream, shard.ShardId);
            last[shard.ShardId] = rows.Count == 0 ? null : rows.MaxBy(r => System.Numerics.BigInteger.Parse(r.Sequence, CultureInfo.InvariantCulture)).Sequence;
        }

        return last;
    }
}
