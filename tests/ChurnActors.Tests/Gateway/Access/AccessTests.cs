using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Gateway.Access;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Gateway.Access;

/// <summary>Outside the embedded default the page, the dashboard and the API need the operator; health and the signed feedback do not.</summary>
public sealed class AccessTests(SecuredSilo silo) : IClassFixture<SecuredSilo>
{
    public static TheoryData<string> ProtectedReads =>
    [
        "/",
        "/index.html",
        "/app.js",
        "/dashboard/",
        "/dashboard/DashboardCounters",
        "/api/v1/stats",
        "/api/v1/cells?top=5",
        "/api/v1/cells/234-15-ANYCELL",
        "/api/v1/subscribers/%2B447700900123",
        "/api/v1/live",
        "/openapi/v1.json",
    ];

    [Theory]
    [MemberData(nameof(ProtectedReads))]
    public async Task Without_credentials_a_read_is_refused_with_a_problem_and_a_login_challenge(string path)
    {
        using var response = await silo.Anonymous.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "authentication-required");
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Theory]
    [MemberData(nameof(ProtectedReads))]
    public async Task With_the_operator_credentials_a_read_is_served(string path)
    {
        using var response = await silo.Operator.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);

        // The unknown cell and subscriber are the API's own answers, past the access check.
        var expected = path.Contains("ANYCELL", StringComparison.Ordinal) || path.Contains("subscribers", StringComparison.Ordinal)
            ? HttpStatusCode.NotFound
            : HttpStatusCode.OK;
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData(SecuredSilo.User, "wrong-password-of-some-length")]
    [InlineData("someone-else", SecuredSilo.Password)]
    [InlineData(SecuredSilo.User, "")]
    public async Task Wrong_credentials_are_refused(string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats");
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(BasicCredentials.Encode(user, password));

        using var response = await silo.Anonymous.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "bad-credentials");
    }

    [Fact]
    public async Task Credentials_that_are_not_basic_are_refused()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecuredSilo.Password);

        using var response = await silo.Anonymous.SendAsync(request);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "bad-credentials");
    }

    [Fact]
    public async Task Writes_need_the_operator_too()
    {
        var msisdn = Probe.NewMsisdn();
        var events = new[] { Probe.Event(msisdn, "CALL_DROP", true) };
        var optOut = $"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}/opt-out";

        await ProblemAssert.IsProblemAsync(await silo.Anonymous.PostAsJsonAsync("/api/v1/probe-events", events), HttpStatusCode.Unauthorized, "authentication-required");
        await ProblemAssert.IsProblemAsync(await silo.Anonymous.PutAsJsonAsync(optOut, new { optOut = true }), HttpStatusCode.Unauthorized, "authentication-required");

        Assert.Equal(HttpStatusCode.Accepted, (await silo.Operator.PostAsJsonAsync("/api/v1/probe-events", events)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Operator.PutAsJsonAsync(optOut, new { optOut = true })).StatusCode);
        var view = await silo.Operator.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web);
        Assert.True(view!.OptOut);
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task Health_stays_open(string path)
    {
        Assert.Equal(HttpStatusCode.OK, (await silo.Anonymous.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_feedback_endpoint_keeps_its_own_signature_and_needs_no_operator()
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(
            new { contactId = "c-1", engagementId = EngagementIds.New("+447700900123"), msisdn = "+447700900123", score = 3 }, JsonSerializerOptions.Web);

        using var unsigned = await silo.Anonymous.PostAsync("/api/v1/connect/feedback", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });
        await ProblemAssert.IsProblemAsync(unsigned, HttpStatusCode.Unauthorized, "missing-signature");

        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var signed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/connect/feedback")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        signed.Headers.Add(FeedbackSignature.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        signed.Headers.Add(FeedbackSignature.SignatureHeader, FeedbackSignature.Compute(ChurnHost.FeedbackSecret, at, body));

        // Past the signature check, with no operator credentials: the engagement is simply unknown.
        await ProblemAssert.IsProblemAsync(await silo.Anonymous.SendAsync(signed), HttpStatusCode.NotFound, "unknown-engagement");
    }

    [Fact]
    public async Task The_refusal_says_how_to_get_in_and_never_echoes_the_credentials()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/stats");
        request.Headers.Authorization = AuthenticationHeaderValue.Parse(BasicCredentials.Encode(SecuredSilo.User, "a-guess-at-the-password"));

        using var response = await silo.Anonymous.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("Churn:Gateway:Access:Password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("a-guess-at-the-password", text, StringComparison.Ordinal);
    }
}
