using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Gateway.Apis;

namespace ChurnActors.Tests.Silo;

/// <summary>The whole loop on one silo: events → engagement → simulated call → signed feedback → sentiment → Parquet → ranking.</summary>
[Collection(ChurnHostCollection.Name)]
public sealed class EngagementLoopTests(ChurnHost host)
{
    [Fact]
    public async Task A_bad_experience_ends_in_answered_feedback_lower_sentiment_archived_rows_and_a_ranked_cell()
    {
        var msisdn = Probe.NewMsisdn();
        var cell = "234-15-LOOP" + Guid.NewGuid().ToString("N")[..6];

        var posted = await host.PostEventsAsync(Probe.BadExperience(msisdn, cell));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        var view = await ChurnHost.EventuallyAsync(
            () => host.GetSubscriberAsync(msisdn),
            v => v?.Engagements.Any(e => e.Status == "answered") == true,
            "the simulated subscriber's answer");

        var engagement = Assert.Single(view!.Engagements);
        Assert.Equal("CALL_DROP", engagement.Type);
        Assert.Equal(cell, engagement.Cell);
        Assert.Equal(0.4, engagement.FailRate, 3);
        Assert.NotNull(engagement.ContactId);
        var feedback = Assert.Single(view.Feedback);
        Assert.Equal(engagement.EngagementId, feedback.EngagementId);
        Assert.Equal(4, feedback.Score);
        Assert.Equal(8, view.Sentiment);
        var callDrop = view.Types.Single(t => t.Type == "CALL_DROP");
        Assert.Equal(6, callDrop.Sessions);
        Assert.Equal(3, callDrop.Failures);
        Assert.Equal(0.16, callDrop.Threshold);
        Assert.Contains(view.Decisions, d => d.Type == "CALL_DROP" && !d.Engaged && d.Reason.Contains("in flight", StringComparison.Ordinal));

        // Every record type reaches the lake with the engagement linked through.
        var sentiment = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(host.LakePath, "sentiment")).Where(r => (string?)r["msisdn"] == msisdn).ToList(),
            rows => rows.Count == 1,
            "the archived sentiment row");
        Assert.Equal(engagement.EngagementId, sentiment[0]["engagement_id"]);
        Assert.Equal(cell, sentiment[0]["cell"]);
        Assert.Equal("CALL_DROP", sentiment[0]["incident_type"]);
        Assert.Equal(10, sentiment[0]["sentiment_before"]);
        Assert.Equal(8, sentiment[0]["sentiment_after"]);
        Assert.Equal(-2, sentiment[0]["change_sentiment"]);

        var incidents = (await LakeReader.ReadTableAsync(host.LakePath, "incidents")).Where(r => (string?)r["msisdn"] == msisdn).ToList();
        Assert.Equal(3, incidents.Count);
        var feedbackRows = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(host.LakePath, "feedback")).Where(r => (string?)r["msisdn"] == msisdn).ToList(),
            rows => rows.Count == 1,
            "the archived feedback row");
        Assert.Equal(4, feedbackRows[0]["score"]);
        var engagementRows = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(host.LakePath, "engagements")).Where(r => (string?)r["msisdn"] == msisdn).ToList(),
            rows => rows.Count == 5,
            "the archived engagement rows");
        Assert.Equal(
            ["pending", "dialing", "placed", "answered"],
            engagementRows.Where(r => (string?)r["engagement_id"] == engagement.EngagementId).OrderBy(r => (DateTime)r["ts"]!).Select(r => (string)r["status"]!));
        var suppressed = Assert.Single(engagementRows, r => (string?)r["status"] == "suppressed");
        Assert.Null(suppressed["engagement_id"]);
        Assert.Contains("in flight", (string)suppressed["reason"]!, StringComparison.Ordinal);

        // The cell is ranked with the subscriber and the lost sentiment.
        var ranked = await ChurnHost.EventuallyAsync(
            async () => (await host.Http.GetFromJsonAsync<List<CellRanking>>("/api/v1/cells?top=1000", JsonSerializerOptions.Web))!.SingleOrDefault(c => c.Cell == cell),
            c => c is { Feedback: 1 },
            "the cell in the ranking");
        Assert.Equal(1, ranked!.Subscribers);
        Assert.Equal(3, ranked.Incidents);
        Assert.Equal(-2, ranked.ChangeSentiment);
        Assert.Equal(3, ranked.Priority);
    }

    [Fact]
    public async Task Redelivered_events_are_absorbed_by_event_id()
    {
        var msisdn = Probe.NewMsisdn();
        var events = Probe.BadExperience(msisdn);
        await host.PostEventsAsync(events);
        var again = await host.PostEventsAsync(events);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);

        var view = await host.GetSubscriberAsync(msisdn);
        var callDrop = view!.Types.Single(t => t.Type == "CALL_DROP");
        Assert.Equal(6, callDrop.Sessions);
        Assert.Single(view.Engagements);
    }
}
