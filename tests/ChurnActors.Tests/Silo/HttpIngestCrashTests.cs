using System.Net;
using System.Net.Http.Json;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// HTTP ingest with state on DynamoDB (dynalite): a 202 means durable. The silo process is killed
/// (SIGKILL) while batches are being posted; a new one on the same table has counted every event of
/// every batch that was answered 202, and when the sender posts every batch again (as it would the
/// ones never answered) each event is counted once.
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

        await SiloProcess.WithSilosAsync(async silos =>
        {
            var first = await SiloProcess.StartAsync(settings);
            silos.Add(first);
            var next = -1;
            var sending = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < batches.Length)
                {
                    try
                    {
                        using var response = await first.Http.PostAsJsonAsync("/api/v1/probe-events", batches[index].Select(e => e.Event));
                        answered[index] = response.StatusCode == HttpStatusCode.Accepted;
                    }
                    catch (HttpRequestException)
                    {
                        // The silo is gone: this batch was never answered.
                    }
                }
            })).ToList();

            await ChurnHost.EventuallyAsync(() => Task.FromResult(answered.Count(a => a)), n => n >= batches.Length / 3, "a third of the batches answered", TimeSpan.FromSeconds(60));
            await first.KillAsync();
            await Task.WhenAll(sending);
            var acknowledged = batches.Where((_, i) => answered[i]).SelectMany(b => b).GroupBy(e => e.Msisdn).ToDictionary(g => g.Key, g => g.Count());

            var second = await SiloProcess.StartAsync(settings);
            silos.Add(second);
            foreach (var (msisdn, count) in acknowledged)
            {
                var counted = await KinesisProbes.SessionsAsync(second.Http, msisdn);
                Assert.True(counted >= count, $"{Msisdns.Mask(msisdn)}: {count} of its events were answered 202, {counted} are counted");
            }

            // The sender posts everything again: what was counted is absorbed by event id, the rest counted now.
            foreach (var batch in batches)
            {
                using var response = await second.Http.PostAsJsonAsync("/api/v1/probe-events", batch.Select(e => e.Event));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            }

            foreach (var msisdn in subscribers)
            {
                Assert.Equal(EventsPerSubscriber, await KinesisProbes.SessionsAsync(second.Http, msisdn));
            }

            output.WriteLine($"Killed with {answered.Count(a => a)} of {batches.Length} batches answered 202 ({acknowledged.Values.Sum()} events); every one counted after the restart, and all {subscribers.Length * EventsPerSubscriber} counted once after the resend.");
        });
    }
}
