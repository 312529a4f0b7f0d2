using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Adapters.Aws;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Tests.Silo;

/// <summary>The dispatcher driving the Connect dialer against the stand-in: quotas, slots, retries and refusals.</summary>
[Collection(ConnectCollection.Name)]
public sealed class ConnectDispatchTests(ConnectStandIn connect)
{
    [Fact]
    public async Task A_burst_of_engagements_is_dialled_within_the_rate_and_the_concurrent_call_cap()
    {
        var instance = NewInstance();
        await using var silo = await StartAsync(instance);
        var subscribers = Enumerable.Range(0, 14).Select(_ => Probe.NewMsisdn()).ToArray();

        // One call first, so the burst is not measured through the cold start of the HTTP path
        // (Connect counts requests as they arrive); then the bucket refills to its burst.
        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(subscribers[0]));
        await ChurnHost.EventuallyAsync(() => connect.RequestsAsync(instance), r => r.Count == 1, "the first call");
        await Task.Delay(TimeSpan.FromSeconds(3));
        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", subscribers.Skip(1).SelectMany(m => Probe.BadExperience(m)).ToArray());

        // Nobody answers: the first ten calls hold every slot, so the other four must wait.
        var placed = await ChurnHost.EventuallyAsync(() => connect.RequestsAsync(instance), r => r.Count >= 10, "ten calls");
        await Task.Delay(TimeSpan.FromSeconds(2));
        placed = await connect.RequestsAsync(instance);
        Assert.Equal(10, placed.Count);
        Assert.All(placed, r => Assert.True(r.SignatureValid));
        Assert.Equal(10, placed.Select(r => r.ClientToken).Distinct().Count());
        AssertWithinRate(placed.Select(r => r.At).ToList(), ratePerSecond: 2, burst: 5);

        // The flow's no-input path frees one slot: exactly one more call goes out.
        var first = placed[0];
        var msisdn = first.Destination;
        var noInput = await SignedAsync(silo.Http, new { contactId = first.ContactId, engagementId = first.ClientToken, msisdn, outcome = "no-input" });
        Assert.Equal(System.Net.HttpStatusCode.OK, noInput.StatusCode);
        Assert.Equal("no-input-recorded", (await noInput.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("outcome").GetString());
        await ChurnHost.EventuallyAsync(() => connect.RequestsAsync(instance), r => r.Count == 11, "the freed slot to be used");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(11, (await connect.RequestsAsync(instance)).Count);
        var closed = await silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web);
        Assert.Equal(("no_answer", "no input from the subscriber"), (closed!.Engagements.Single().Status, closed.Engagements.Single().Reason));
    }

    [Fact]
    public async Task A_call_that_fails_with_5xx_is_retried_under_the_same_client_token_and_placed_once()
    {
        var instance = NewInstance();
        await using var silo = await StartAsync(instance);
        const string msisdn = "+447700915009";

        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn));

        var view = await ChurnHost.EventuallyAsync(
            () => silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web),
            v => v!.Engagements.Single().Status == "placed",
            "the call to be placed after its retries");
        var requests = await connect.RequestsAsync(instance);
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r => Assert.Equal(view!.Engagements.Single().EngagementId, r.ClientToken));
        Assert.Equal(view!.Engagements.Single().ContactId, Assert.Single(requests, r => r.ContactId is not null).ContactId);
    }

    [Fact]
    public async Task A_destination_connect_will_not_call_fails_the_engagement_with_the_reason_at_once()
    {
        var instance = NewInstance();
        await using var silo = await StartAsync(instance);
        const string msisdn = "+447700915403";

        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn));

        var view = await ChurnHost.EventuallyAsync(
            () => silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web),
            v => v!.Engagements.Single().Status == "failed",
            "the engagement to fail");
        Assert.Contains("DestinationNotAllowedException", view!.Engagements.Single().Reason, StringComparison.Ordinal);
        Assert.Single(await connect.RequestsAsync(instance));
    }

    [Fact]
    public async Task A_placed_call_nobody_reports_on_times_out_and_frees_its_slot()
    {
        var instance = NewInstance();
        await using var silo = await StartAsync(instance, new Dictionary<string, string?>
        {
            ["Churn:Dialer:Connect:MaxConcurrentCalls"] = "1",
            ["Churn:Dialer:CallTimeout"] = "00:00:02",
        });
        var (first, second) = (Probe.NewMsisdn(), Probe.NewMsisdn());

        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(first));
        await ChurnHost.EventuallyAsync(() => connect.RequestsAsync(instance), r => r.Count == 1, "the first call");
        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(second));

        // One slot: the second call goes out only once the first has timed out.
        var requests = await ChurnHost.EventuallyAsync(() => connect.RequestsAsync(instance), r => r.Count == 2, "the second call after the timeout");
        Assert.True(requests[1].At - requests[0].At >= 1_900, $"the second call went out {requests[1].At - requests[0].At} ms after the first");
        var timedOut = await silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(first)}", JsonSerializerOptions.Web);
        Assert.Equal("no_answer", timedOut!.Engagements.Single().Status);
        Assert.StartsWith("no outcome within", timedOut.Engagements.Single().Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Connect's quota as a token bucket: in any span of L seconds, at most burst + rate × L requests.
    /// Arrival jitter can only make a span look shorter than it was sent, so up to 100 ms is allowed for.
    /// </summary>
    private static void AssertWithinRate(List<long> times, double ratePerSecond, int burst)
    {
        const double jitterMs = 100;
        for (var i = 0; i < times.Count; i++)
        {
            for (var j = i; j < times.Count; j++)
            {
                var span = (times[j] - times[i] + jitterMs) / 1000.0;
                Assert.True(j - i + 1 <= burst + (ratePerSecond * span) + 1e-9, $"{j - i + 1} requests within {times[j] - times[i]} ms");
            }
        }
    }

    private Task<TestSilo> StartAsync(string instance, Dictionary<string, string?>? overrides = null)
    {
        var settings = connect.DialerSettings(instance);
        settings["Churn:Dialer:RetryBackoff"] = "00:00:00.200";
        foreach (var (key, value) in overrides ?? [])
        {
            settings[key] = value;
        }

        return TestSilo.StartAsync(settings, services => services.AddSingleton<IAwsCredentialSource>(new StaticCredentialSource(ConnectStandIn.Credentials)));
    }

    private static Task<HttpResponseMessage> SignedAsync(HttpClient http, object body)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/connect/feedback") { Content = new ByteArrayContent(bytes) };
        message.Headers.Add(FeedbackSignature.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
        message.Headers.Add(FeedbackSignature.SignatureHeader, FeedbackSignature.Compute(ChurnHost.FeedbackSecret, at, bytes));
        return http.SendAsync(message);
    }

    private static string NewInstance() => "instance-" + Guid.NewGuid().ToString("N")[..8];
}
