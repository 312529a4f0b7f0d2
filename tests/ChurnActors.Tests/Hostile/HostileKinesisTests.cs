using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Records;
using ChurnActors.Tests.Silo;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Hostile;

/// <summary>
/// Hostile input on the production path (kinesalite, dynalite): a poison record of any kind goes to
/// the lake with its reason and its shard moves on; a request whose rejections are far larger than a
/// Kinesis record reaches the lake whole over the Kinesis record stream.
/// </summary>
[Collection(KinesisCollection.Name)]
public sealed class HostileKinesisTests(KinesisServer kinesis, DynamoDbServer dynamo)
{
    [Fact]
    public async Task Poison_records_of_every_kind_go_to_the_lake_and_their_shards_keep_moving()
    {
        var (probeStream, checkpointTable) = (KinesisServer.NewStreamName(), DynamoDbServer.NewTableName());
        var settings = KinesisProbes.Settings(dynamo, kinesis, probeStream, checkpointTable);
        settings["Churn:Streams:Kinesis:Shards"] = "1";
        await using var silo = await TestSilo.StartAsync(settings);
        var producer = kinesis.Client();
        var subscribers = Enumerable.Range(0, 20).Select(_ => Probe.NewMsisdn()).ToArray();
        var victim = subscribers[0];
        string Event(Action<Dictionary<string, object?>> change)
        {
            var fields = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(Probe.Event(victim, "CALL_DROP", true)))!;
            change(fields);
            return JsonSerializer.Serialize(fields);
        }

        var poison = new (string What, byte[] Data)[]
        {
            ("lone surrogate", Encoding.UTF8.GetBytes(Event(f => f["vendor"] = "PLACEHOLDER").Replace("PLACEHOLDER", "\\ud800", StringComparison.Ordinal))),
            ("invalid UTF-8", [.. Encoding.UTF8.GetBytes(Event(f => f["cell"] = "c"))[..^2], 0xC3, 0x28, (byte)'"', (byte)'}']),
            ("NUL in a cell", Encoding.UTF8.GetBytes(Event(f => f["cell"] = "cell\u0000"))),
            ("status twice", Encoding.UTF8.GetBytes(Event(_ => { }).TrimEnd('}') + ",\"status\":\"OK\"}")),
            ("a number for an id", Encoding.UTF8.GetBytes(Event(f => f["eventId"] = 7))),
            ("extension", Encoding.UTF8.GetBytes(Event(f => f["msisdn"] = victim + " x5"))),
            ("not JSON", [0x00, 0xFF, 0x13, 0x37]),
            ("an array", "[]"u8.ToArray()),
            ("nearly a megabyte", Encoding.UTF8.GetBytes(Event(f => f["padding"] = new string('p', 900_000)).Replace("\"cell\":", "\"cell\":\"first\",\"cell\":", StringComparison.Ordinal))),
        };

        await producer.PutRecordsAsync(probeStream, [.. subscribers.Select(m => KinesisProbes.Record(m, 0))], CancellationToken.None);
        var sequences = await producer.PutRecordsAsync(probeStream, [.. poison.Select(p => new KinesisRecordToPut(p.Data, victim))], CancellationToken.None);
        await producer.PutRecordsAsync(probeStream, [.. subscribers.Select(m => KinesisProbes.Record(m, 1))], CancellationToken.None);

        // The records after the poison are counted: the shard moved on.
        foreach (var msisdn in subscribers)
        {
            await ChurnHost.EventuallyAsync(() => KinesisProbes.SessionsAsync(silo.Http, msisdn), n => n == 2, $"both events of {msisdn}", TimeSpan.FromSeconds(60));
        }

        var rejected = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(silo.LakePath, "rejected")).Where(r => ((string)r["source"]!).StartsWith($"kinesis:{probeStream}/", StringComparison.Ordinal)).ToList(),
            rows => rows.Count >= poison.Length,
            "every poison record in the lake",
            TimeSpan.FromSeconds(60));
        Assert.Equal(poison.Length, rejected.Count);
        for (var i = 0; i < poison.Length; i++)
        {
            var row = Assert.Single(rejected, r => ((string)r["source"]!).EndsWith("/" + sequences[i], StringComparison.Ordinal));
            Assert.Equal(poison[i].Data.Length, row["payload_length"]);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(poison[i].Data)), row["payload_sha256"]);
            Assert.InRange(Encoding.UTF8.GetByteCount((string)row["payload"]!), 1, RejectedRecord.MaxPayloadBytes);
            Assert.False(string.IsNullOrWhiteSpace((string?)row["reason"]), poison[i].What);
        }

        Assert.Contains("cell appears twice", (string)rejected.Single(r => (int)r["payload_length"]! > 800_000)["reason"]!, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync("/health/ready")).StatusCode);
        var shard = (await producer.ListShardsAsync(probeStream, CancellationToken.None)).Single().ShardId;
        var last = (await Adapters.Kinesis.KinesisClientTests.ReadAllAsync(producer, probeStream, shard))[^1].Sequence;
        await ChurnHost.EventuallyAsync(
            async () => (await KinesisProbes.CheckpointsAsync(dynamo.Client, checkpointTable, probeStream)).GetValueOrDefault(shard)?.Sequence,
            checkpoint => checkpoint == last,
            "the shard's checkpoint at its last record");
    }

    [Fact]
    public async Task Ten_thousand_bad_events_in_one_request_reach_the_lake_over_the_kinesis_record_stream_and_nothing_else_is_lost()
    {
        var settings = KinesisProbes.Settings(dynamo, kinesis, KinesisServer.NewStreamName(), DynamoDbServer.NewTableName());
        await using var silo = await TestSilo.StartAsync(settings);
        var run = Guid.NewGuid().ToString("N")[..8];
        var good = Enumerable.Range(0, 20).Select(_ => Probe.NewMsisdn()).ToArray();

        var bad = silo.Http.PostAsync("/api/v1/probe-events", HostileBatches.Json(HostileBatches.WithoutOffsets(10_000, run)));
        var others = good.Select(m => silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(m, "234-15-MEANWHILE"))).ToArray();
        var response = await bad;
        await Task.WhenAll(others);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(10_000, (await response.Content.ReadFromJsonAsync<ProbeBatchResult>(JsonSerializerOptions.Web))!.Rejected.Count);
        Assert.All(others, o => Assert.Equal(HttpStatusCode.Accepted, o.Result.StatusCode));
        var rejected = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(silo.LakePath, "rejected")).Select(r => (string)r["payload"]!).Where(p => p.Contains($"\"{run}-no-offset-", StringComparison.Ordinal)).ToList(),
            rows => rows.Count >= 10_000,
            "the 10 000 rejections in the lake",
            TimeSpan.FromSeconds(90));
        Assert.Equal(10_000, rejected.Distinct().Count());
        Assert.Equal(10_000, rejected.Count);
        var incidents = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(silo.LakePath, "incidents")).Where(r => good.Contains((string)r["msisdn"]!)).ToList(),
            rows => rows.Count >= 3 * good.Length,
            "the incidents sent beside the large batch",
            TimeSpan.FromSeconds(60));
        Assert.Equal(3 * good.Length, incidents.Count);
    }
}
