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
/// Three silo processes on Redis membership reading one probe stream of four shards: every shard is
/// read by one silo; one silo is killed outright under load and its shards move to the others, which
/// resume from the checkpoints with no event lost and none counted twice.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class KinesisClusterTests(RedisServer redis, DynamoDbServer dynamo, KinesisServer kinesis, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_a_silo_that_reads_shards_moves_them_to_the_others_and_loses_nothing()
    {
        var probeStream = KinesisServer.NewStreamName();
        var checkpointTable = DynamoDbServer.NewTableName();
        var settings = KinesisProbes.Settings(dynamo, kinesis, probeStream, checkpointTable);
        settings["Churn:Clustering:Provider"] = "Redis";
        settings["Churn:Clustering:Redis:ConnectionString"] = redis.ConnectionString;
        settings["Churn:Clustering:ClusterId"] = "churn-kinesis-" + Guid.NewGuid().ToString("N")[..8];
        settings["Churn:Streams:Kinesis:CheckpointInterval"] = "00:00:01";
        settings["Churn:Archive:FlushInterval"] = "00:00:02";
        settings["Churn:Archive:LocalDirectory:Path"] = Path.Combine(Path.GetTempPath(), "churn-test-lake-" + Guid.NewGuid().ToString("N"));
        var producer = kinesis.Client();
        var subscribers = Enumerable.Range(0, 300).Select(_ => Probe.NewMsisdn()).ToArray();
        var events = subscribers.SelectMany(m => Enumerable.Range(0, 10).Select(i => KinesisProbes.Record(m, i))).OrderBy(_ => Random.Shared.Next()).ToList();
        var silos = new List<ChurnProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(await ChurnProcess.StartAsync(settings));
            }

            // Each shard is claimed by one silo once the three have joined and the lease balancer has
            // settled, evenly: no silo holds more than its share rounded up, ceil(4 / 3) = 2.
            var owners = (await ChurnHost.EventuallyAsync(
                async () =>
                {
                    var before = await OwnersAsync(checkpointTable, probeStream);
                    await Task.Delay(3000);
                    return (Before: before, After: await OwnersAsync(checkpointTable, probeStream));
                },
                o => o.After.Count == 4 && o.After.OrderBy(c => c.Key).SequenceEqual(o.Before.OrderBy(c => c.Key)),
                "the four shards claimed, unchanged for 3 s",
                TimeSpan.FromSeconds(90))).After;
            Assert.All(owners.Values, owner => Assert.Contains(SiloPortOf(owner), silos.Select(s => s.SiloPort)));
            Assert.All(owners.Values.GroupBy(SiloPortOf), held => Assert.True(held.Count() <= 2, $"one silo reads {held.Count()} of the 4 shards: {Describe(owners)}"));

            var putting = Task.Run(async () =>
            {
                foreach (var batch in events.Chunk(100))
                {
                    await producer.PutRecordsAsync(probeStream, batch, CancellationToken.None);
                    await Task.Delay(200);
                }
            });

            // Under load, kill a silo that reads at least one shard.
            await ChurnHost.EventuallyAsync(() => CountedAsync(silos[0].Http, subscribers.Take(50)), n => n >= 100, "some events counted", TimeSpan.FromSeconds(60));
            var busiest = owners.Values.GroupBy(SiloPortOf).OrderByDescending(g => g.Count()).First().Key;
            var victim = silos.Single(s => s.SiloPort == busiest);
            await victim.KillAsync();
            var killedAt = Stopwatch.StartNew();
            silos.Remove(victim);
            await putting;

            var moved = await ChurnHost.EventuallyAsync(
                () => OwnersAsync(checkpointTable, probeStream),
                o => o.Count == 4 && o.Values.All(owner => SiloPortOf(owner) != busiest),
                "the lost silo's shards claimed by the survivors",
                TimeSpan.FromMinutes(2));
            var takenOver = killedAt.Elapsed;
            foreach (var msisdn in subscribers)
            {
                await ChurnHost.EventuallyAsync(() => KinesisProbes.SessionsAsync(silos[0].Http, msisdn), n => n >= 10, $"the 10 events of {msisdn}", TimeSpan.FromMinutes(2));
            }

            var recovered = killedAt.Elapsed;
            await Task.Delay(2000);
            foreach (var msisdn in subscribers)
            {
                Assert.Equal(10, await KinesisProbes.SessionsAsync(silos[1].Http, msisdn));
            }

            Assert.All(moved.Values, owner => Assert.Contains(SiloPortOf(owner), silos.Select(s => s.SiloPort)));
            Assert.All(moved.Values.GroupBy(SiloPortOf), held => Assert.Equal(2, held.Count()));
            Assert.True(takenOver <= TimeSpan.FromSeconds(15), $"the lost silo's shards were claimed {takenOver.TotalSeconds:F1} s after the kill");
            output.WriteLine($"Shards before: {Describe(owners)}; after: {Describe(moved)}. The killed silo's shards were claimed {takenOver.TotalSeconds:F1} s after the kill; all {events.Count} events counted once {recovered.TotalSeconds:F1} s after it.");
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{exception.Message}\n{string.Join("\n---\n", silos.Select(s => s.Output))}", exception);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }

            if (Directory.Exists(settings["Churn:Archive:LocalDirectory:Path"]))
            {
                Directory.Delete(settings["Churn:Archive:LocalDirectory:Path"]!, recursive: true);
            }
        }
    }

    /// <summary>The owner is "{silo address}#{receiver}", the silo address "127.0.0.1:{port}@{generation}".</summary>
    private static int SiloPortOf(string owner) => int.Parse(owner.Split('#')[0].Split(':')[1].Split('@')[0], CultureInfo.InvariantCulture);

    private static string Describe(Dictionary<string, string> owners) =>
        string.Join(", ", owners.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key[^3..]}→{SiloPortOf(o.Value)}"));

    private static async Task<int> CountedAsync(HttpClient http, IEnumerable<string> msisdns)
    {
        var total = 0;
        foreach (var msisdn in msisdns)
        {
            total += await KinesisProbes.SessionsAsync(http, msisdn);
        }

        return total;
    }

    private async Task<Dictionary<string, string>> OwnersAsync(string table, string stream) =>
        (await KinesisProbes.CheckpointsAsync(dynamo.Client, table, stream)).ToDictionary(c => c.Key, c => c.Value.Owner);
}
