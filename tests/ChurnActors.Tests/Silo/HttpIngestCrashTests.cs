using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// HTTP ingest with state on DynamoDB (dynalite): a 202 means durable. The silo process is killed
/// (SIGKILL) while batches are being posted; a new one on the same table has counted every event of
/// every batch that was answered 202, and when the sender posts every batch again (as it would the
/// ones never answered) each event is counted once. Batches for the same subscribers sent at once
/// share their writes (group commit), and a kill still loses none that was answered.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class HttpIngestCrashTests(DynamoDbServer dynamo, Xunit.Abstractions.ITestOutputHelper output)
{
    private const int EventsPerSubscriber = 12;

    [Fact]
    public async Task A_silo_killed_under_load_has_counted_every_event_answered_202_and_a_resend_counts_none_twice()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Churn:Storage:Provider"] = "DynamoDb",
            ["Churn:Storage:DynamoDb:ServiceUrl"] = dynamo.Url.ToString(),
            ["Churn:Storage:DynamoDb:TableName"] = DynamoDbServer.NewTableName(),
            ["Churn:Simulator:Enabled"] = "false",
        };
        var subscribers = Enumerable.Range(0, 100).Select(_ => Probe.NewMsisdn()).ToArray();
        var types = new[] { "CALL_DROP", "CALL_QUALITY", "LOW_BITRATE", "VIDEO_STALLING" };

        // Batch k holds event k of 20 subscribers: 60 batches of 20, one subscriber's events spread over them.
        var batches = Enumerable.Range(0, EventsPerSubscriber)
            .SelectMany(i => subscribers.Chunk(20).Select(group => group.Select(m => (Msisdn: m, Event: Probe.Event(m, types[i % 4], fail: false, eventId: $"{m}-{i}"))).ToArray()))
            .ToArray();
        var answered = new bool[batches.Length];

        await ChurnProcess.WithSilosAsync(async silos =>
        {
            var first = await ChurnProcess.StartAsync(settings);
            silos.Add(first);
            var sending = SendAsync(first.Http, batches.Select(b => b.Select(e => e.Event)).ToArray(), answered, senders: 4);

            await ChurnHost.EventuallyAsync(() => Task.FromResult(answered.Count(a => a)), n => n >= batches.Length / 3, "a third of the batches answered", TimeSpan.FromSeconds(60));
            await first.KillAsync();
            await sending;
            var second = await ChurnProcess.StartAsync(settings);
            silos.Add(second);
            var acknowledged = await AssertAnsweredCountedThenResendAsync(second.Http, batches, answered, EventsPerSubscriber);
            output.WriteLine($"Killed with {answered.Count(a => a)} of {batches.Length} batches answered 202 ({acknowledged} events); every one counted after the restart, and all {subscribers.Length * EventsPerSubscriber} counted once after the resend.");
        });
    }

    [Fact]
    public async Task Batches_for_the_same_subscribers_at_once_share_their_writes_and_a_kill_loses_none_answered_202()
    {
        const int Batches = 240;
        var table = DynamoDbServer.NewTableName();
        var settings = new Dictionary<string, string?>
        {
            ["Churn:Storage:Provider"] = "DynamoDb",
            ["Churn:Storage:DynamoDb:ServiceUrl"] = dynamo.Url.ToString(),
            ["Churn:Storage:DynamoDb:TableName"] = table,
            ["Churn:Simulator:Enabled"] = "false",
        };

        // Every batch holds one event of each of 8 subscribers, and 16 senders post at once: each
        // subscriber has up to 16 batches arriving while its previous write is in flight.
        var subscribers = Enumerable.Range(0, 8).Select(_ => Probe.NewMsisdn()).ToArray();
        var batches = Enumerable.Range(0, Batches)
            .Select(k => subscribers.Select(m => (Msisdn: m, Event: Probe.Event(m, "CALL_QUALITY", fail: false, eventId: $"{m}-{k}"))).ToArray())
            .ToArray();
        var answered = new bool[batches.Length];

        await ChurnProcess.WithSilosAsync(async silos =>
        {
            var first = await ChurnProcess.StartAsync(settings);
            silos.Add(first);
            var sending = SendAsync(first.Http, batches.Select(b => b.Select(e => e.Event)).ToArray(), answered, senders: 16);

            await ChurnHost.EventuallyAsync(() => Task.FromResult(answered.Count(a => a)), n => n >= Batches / 2, "half the batches answered", TimeSpan.FromSeconds(60));
            await first.KillAsync();
            await sending;

            // Each write moves the item's etag by one: their sum is every state write the killed silo made.
            var writes = (await dynamo.Client.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true })).Items
                .Where(i => i["sk"].S == "subscriber")
                .Sum(i => long.Parse(i["etag"].N, CultureInfo.InvariantCulture));
            var answeredCalls = answered.Count(a => a) * subscribers.Length;
            output.WriteLine($"Killed with {answered.Count(a => a)} of {Batches} batches answered 202: {answeredCalls} subscriber calls answered, {writes} state writes made in all.");
            Assert.True(writes < answeredCalls, $"{writes} state writes for {answeredCalls} answered subscriber calls: no write served more than one call");

            var second = await ChurnProcess.StartAsync(settings);
            silos.Add(second);
            await AssertAnsweredCountedThenResendAsync(second.Http, batches, answered, Batches);
        });
    }

    /// <summary>
    /// On the restarted silo: every event of a batch answered 202 is counted; then the sender posts
    /// everything again (as it would the batches never answered): what was counted is absorbed by
    /// event id, the rest counted now, so each subscriber ends with all its events once.
    /// </summary>
    /// <returns>How many events were answered 202 before the kill.</returns>
    private static async Task<int> AssertAnsweredCountedThenResendAsync(HttpClient http, (string Msisdn, object Event)[][] batches, bool[] answered, int eventsPerSubscriber)
    {
        var acknowledged = batches.Where((_, i) => answered[i]).SelectMany(b => b).GroupBy(e => e.Msisdn).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (msisdn, count) in acknowledged)
        {
            var counted = await KinesisProbes.SessionsAsync(http, msisdn);
            Assert.True(counted >= count, $"{Msisdns.Mask(msisdn)}: {count} of its events were answered 202, {counted} are counted");
        }

        foreach (var batch in batches)
        {
            using var response = await http.PostAsJsonAsync("/api/v1/probe-events", batch.Select(e => e.Event));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        foreach (var msisdn in batches.SelectMany(b => b).Select(e => e.Msisdn).Distinct())
        {
            Assert.Equal(eventsPerSubscriber, await KinesisProbes.SessionsAsync(http, msisdn));
        }

        return acknowledged.Values.Sum();
    }

    /// <summary>Posts every batch once from <paramref name="senders"/> senders at once, marking those answered 202; a batch the silo died under stays unanswered.</summary>
    private static Task SendAsync(HttpClient http, IEnumerable<object>[] batches, bool[] answered, int senders)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Length)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync("/api/v1/probe-events", batches[index]);
                    answered[index] = response.StatusCode == HttpStatusCode.Accepted;
                }
                catch (HttpRequestException)
                {
                    // The silo is gone: this batch was never answered.
                }
            }
        })));
    }
}
