using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChurnActors.Tests.Silo;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Gateway;

/// <summary>The Connect hook's endpoint: HMAC authentication, validation against the engagement, idempotence.</summary>
[Collection(ChurnHostCollection.Name)]
public sealed class FeedbackApiTests(ChurnHost host)
{
    [Fact]
    public async Task A_retried_hook_with_the_same_answer_is_acknowledged_and_changes_nothing()
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();
        var feedback = answered.Feedback.Single();

        var response = await host.PostFeedbackAsync(new { contactId = feedback.ContactId, engagementId = feedback.EngagementId, msisdn, score = feedback.Score });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("already-recorded", body.GetProperty("outcome").GetString());
        await AssertUnchangedAsync(msisdn, answered);
    }

    [Theory]
    [InlineData("\"score\":\"4\"", "score must be a whole number")]
    [InlineData("\"score\":4,\"score\":1", "score appears twice")]
    [InlineData("\"score\":4.0", "score must be a whole number")]
    public async Task A_score_that_is_not_exactly_one_number_is_refused_and_changes_nothing(string scoreField, string detailPart)
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();
        var body = $$"""{"contactId":"c-strict","engagementId":"{{answered.Engagements.Single().EngagementId}}","msisdn":"{{msisdn}}",{{scoreField}}}""";

        var response = await host.PostSignedAsync(System.Text.Encoding.UTF8.GetBytes(body));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed-json");
        Assert.Contains(detailPart, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(msisdn, answered);
    }

    [Fact]
    public async Task An_already_answered_engagement_refuses_another_answer()
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();
        var engagementId = answered.Engagements.Single().EngagementId;

        var response = await host.PostFeedbackAsync(new { contactId = "another-contact", engagementId, msisdn, score = 5 });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Conflict, "already-answered");
        await AssertUnchangedAsync(msisdn, answered);
    }

    [Fact]
    public async Task An_unknown_engagement_is_refused()
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();

        var response = await host.PostFeedbackAsync(new { contactId = "c-1", engagementId = EngagementIds.New(msisdn), msisdn, score = 3 });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "unknown-engagement");
        await AssertUnchangedAsync(msisdn, answered);
    }

    [Fact]
    public async Task A_number_that_does_not_match_the_engagement_is_refused()
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();
        var other = Probe.NewMsisdn();
        await host.PostEventsAsync(Probe.Event(other, "CALL_DROP", false));

        var response = await host.PostFeedbackAsync(new { contactId = "c-2", engagementId = answered.Engagements.Single().EngagementId, msisdn = other, score = 3 });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "number-mismatch");
        await AssertUnchangedAsync(msisdn, answered);
        Assert.Empty((await host.GetSubscriberAsync(other))!.Feedback);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public async Task A_score_outside_one_to_five_is_refused(int score)
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();

        var response = await host.PostFeedbackAsync(new { contactId = "c-3", engagementId = answered.Engagements.Single().EngagementId, msisdn, score });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "score-out-of-range");
        Assert.Contains(score.ToString(System.Globalization.CultureInfo.InvariantCulture), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(msisdn, answered);
    }

    [Fact]
    public async Task A_request_without_signature_is_refused()
    {
        var response = await host.PostFeedbackAsync(new { contactId = "c", engagementId = EngagementIds.New("+447700900001"), msisdn = "+447700900001", score = 3 }, sign: false);
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "missing-signature");
    }

    [Fact]
    public async Task A_request_signed_with_another_secret_is_refused()
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();
        var response = await host.PostFeedbackAsync(
            new { contactId = "c-4", engagementId = answered.Engagements.Single().EngagementId, msisdn, score = 5 },
            secret: "not-the-shared-secret-at-all");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "bad-signature");
        await AssertUnchangedAsync(msisdn, answered);
    }

    [Fact]
    public async Task A_body_changed_after_signing_is_refused()
    {
        var body = Encoding.UTF8.GetBytes("{\"contactId\":\"c\",\"engagementId\":\"x\",\"msisdn\":\"+447700900001\",\"score\":3}");
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = FeedbackSignature.Compute(ChurnHost.FeedbackSecret, at, body);
        var tampered = Encoding.UTF8.GetBytes("{\"contactId\":\"c\",\"engagementId\":\"x\",\"msisdn\":\"+447700900001\",\"score\":1}");
        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/connect/feedback") { Content = new ByteArrayContent(tampered) };
        message.Headers.Add(FeedbackSignature.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.Add(FeedbackSignature.SignatureHeader, signature);

        var response = await host.Http.SendAsync(message);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "bad-signature");
    }

    [Fact]
    public async Task An_expired_request_is_refused()
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();
        var response = await host.PostFeedbackAsync(
            new { contactId = "c-5", engagementId = answered.Engagements.Single().EngagementId, msisdn, score = 5 },
            timestamp: DateTimeOffset.UtcNow.AddMinutes(-6).ToUnixTimeSeconds());
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "expired-signature");
        await AssertUnchangedAsync(msisdn, answered);
    }

    [Fact]
    public async Task A_replayed_request_is_refused()
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();
        var feedback = answered.Feedback.Single();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { contactId = feedback.ContactId, engagementId = feedback.EngagementId, msisdn, score = feedback.Score }, JsonSerializerOptions.Web);
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var first = await host.PostSignedAsync(body, timestamp: at);
        var replay = await host.PostSignedAsync(body, timestamp: at);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.Unauthorized, "replayed-request");
    }

    [Fact]
    public async Task A_request_replayed_to_another_gateway_is_refused_there_too()
    {
        var (msisdn, answered) = await AnsweredEngagementAsync();
        var feedback = answered.Feedback.Single();
        var body = JsonSerializer.SerializeToUtf8Bytes(new { contactId = feedback.ContactId, engagementId = feedback.EngagementId, msisdn, score = feedback.Score }, JsonSerializerOptions.Web);
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await using var second = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Churn:Clustering:GatewayPort"] = host.OrleansGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Churn:Clustering:ClusterId"] = ChurnHost.ClusterId,
            ["Churn:Gateway:Access:Password"] = "a-second-gateway-password",
        });

        // The silo's own gateway takes it; the same signed request sent to the second gateway (a
        // captured request, or the hook's retry landing on another task) is refused there, and the
        // other way round for a request the second one took first.
        var first = await host.PostSignedAsync(body, timestamp: at);
        var replayElsewhere = await SendSignedAsync(second.Http, body, at);
        var other = await SendSignedAsync(second.Http, body, at + 1);
        var otherReplayed = await host.PostSignedAsync(body, timestamp: at + 1);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await ProblemAssert.IsProblemAsync(replayElsewhere, HttpStatusCode.Unauthorized, "replayed-request");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        await ProblemAssert.IsProblemAsync(otherReplayed, HttpStatusCode.Unauthorized, "replayed-request");
        await AssertUnchangedAsync(msisdn, answered);
    }

    [Fact]
    public async Task Feedback_for_an_engagement_not_yet_dialled_is_refused()
    {
        var msisdn = Probe.NewMsisdn();
        await host.Http.PutAsJsonAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}/opt-out", new { optOut = false });
        var response = await host.PostFeedbackAsync(new { contactId = "c-6", engagementId = EngagementIds.New(msisdn), msisdn, score = 2 });
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "unknown-engagement");
        Assert.Empty((await host.GetSubscriberAsync(msisdn))!.Feedback);
    }

    [Fact]
    public async Task A_malformed_body_is_a_problem()
    {
        var response = await host.PostSignedAsync(Encoding.UTF8.GetBytes("{\"score\": "));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed-json");
    }

    private async Task<(string Msisdn, SubscriberView View)> AnsweredEngagementAsync()
    {
        var msisdn = Probe.NewMsisdn();
        await host.PostEventsAsync(Probe.BadExperience(msisdn));
        var view = await ChurnHost.EventuallyAsync(
            () => host.GetSubscriberAsync(msisdn),
            v => v?.Feedback.Count == 1,
            "the simulated answer");
        return (msisdn, view!);
    }

    private async Task AssertUnchangedAsync(string msisdn, SubscriberView before)
    {
        var after = await host.GetSubscriberAsync(msisdn);
        Assert.Equal(before.Sentiment, after!.Sentiment);
        Assert.Equal(before.Feedback, after.Feedback);
        Assert.Equal(before.Engagements.Select(e => (e.EngagementId, e.Status)), after.Engagements.Select(e => (e.EngagementId, e.Status)));
        Assert.Equal(before.SentimentHistory.Count, after.SentimentHistory.Count);
    }

    private static Task<HttpResponseMessage> SendSignedAsync(HttpClient http, byte[] body, long at)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/connect/feedback")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        message.Headers.Add(FeedbackSignature.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.Add(FeedbackSignature.SignatureHeader, FeedbackSignature.Compute(ChurnHost.FeedbackSecret, at, body));
        return http.SendAsync(message);
    }
}
