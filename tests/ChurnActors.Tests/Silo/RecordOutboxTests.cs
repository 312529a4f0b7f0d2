using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Grains.Archive;
using ChurnActors.Records;
using ChurnActors.Tests.Gateway;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// When the record stream refuses records, an acknowledged change keeps them in the subscriber's
/// state and sends them later, once: nothing accepted is lost from the data lake.
/// </summary>
public sealed class RecordOutboxTests
{
    [Fact]
    public async Task Records_the_stream_refused_are_kept_with_the_subscriber_and_reach_the_lake_once_later()
    {
        var gate = new Gate();
        await using var silo = await TestSilo.StartAsync(
            new Dictionary<string, string?>
            {
                ["Churn:Archive:FlushInterval"] = "00:00:00.500",
                ["Churn:Archive:MaxOwedRecordsPerSubscriber"] = "20",
            },
            services => services.AddSingleton<IRecordPublisher>(sp => new GatedPublisher(new StreamRecordPublisher(sp), gate)));
        var msisdn = Probe.NewMsisdn();

        // The stream refuses: the events are still accepted, decided on, dialled and answered.
        gate.Closed = true;
        var accepted = await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await ChurnHost.EventuallyAsync(() => ViewAsync(silo, msisdn), v => v.Feedback.Count == 1, "the answer while the stream refuses");
        Assert.True(gate.Refused > 0);

        // Past its bound a subscriber takes nothing new until it can send what it owes.
        var flood = await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Enumerable.Range(0, 30).Select(_ => Probe.Event(msisdn, "CALL_DROP", true)).ToArray());
        var refused = await silo.Http.PostAsJsonAsync("/api/v1/probe-events", new[] { Probe.Event(msisdn, "LOW_BITRATE", true) });
        Assert.Equal(HttpStatusCode.Accepted, flood.StatusCode);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Contains("send it again", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("5", refused.Headers.RetryAfter?.ToString());
        Assert.Equal(0, (await ViewAsync(silo, msisdn)).Types.Single(t => t.Type == "LOW_BITRATE").Sessions);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Empty(await LakeReader.ReadTableAsync(silo.LakePath, "incidents"));

        // The stream takes records again: the next change sends everything owed, in order, once.
        gate.Closed = false;
        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", new[] { Probe.Event(msisdn, "LOW_BITRATE", false) });
        var incidents = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(silo.LakePath, "incidents")).Where(r => (string?)r["msisdn"] == msisdn).ToList(),
            rows => rows.Count == 33,
            "the owed incidents in the lake");
        Assert.Equal(33, incidents.Select(r => r["event_id"]).Distinct().Count());
        var sentiment = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(silo.LakePath, "sentiment")).Where(r => (string?)r["msisdn"] == msisdn).ToList(),
            rows => rows.Count == 1,
            "the owed sentiment row");
        Assert.Equal(-2, sentiment.Single()["change_sentiment"]);
    }

    private static async Task<SubscriberView> ViewAsync(TestSilo silo, string msisdn) =>
        (await silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web))!;

    private sealed class Gate
    {
        private int _refused;

        public volatile bool Closed;

        public int Refused => Volatile.Read(ref _refused);

        public void Refuse() => Interlocked.Increment(ref _refused);
    }

    /// <summary>The real record stream behind a gate the test opens and closes.</summary>
    private sealed class GatedPublisher(IRecordPublisher inner, Gate gate) : IRecordPublisher
    {
        public Task PublishAsync(string partitionKey, RecordBatch batch)
        {
            if (gate.Closed)
            {
                gate.Refuse();
                throw new InvalidOperationException("the record stream refuses records");
            }

            return inner.PublishAsync(partitionKey, batch);
        }
    }
}
