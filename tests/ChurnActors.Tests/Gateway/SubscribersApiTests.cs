using System.Net;
using System.Net.Http.Json;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Gateway;

[Collection(ChurnHostCollection.Name)]
public sealed class SubscribersApiTests(ChurnHost host)
{
    [Fact]
    public async Task A_number_never_seen_is_not_found()
    {
        var response = await host.Http.GetAsync($"/api/v1/subscribers/{Uri.EscapeDataString(Probe.NewMsisdn())}");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "unknown-subscriber");
    }

    [Fact]
    public async Task A_path_that_is_not_a_number_is_a_problem()
    {
        var response = await host.Http.GetAsync("/api/v1/subscribers/hello");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-msisdn");
    }

    [Fact]
    public async Task The_profile_shows_rates_against_thresholds_and_windows()
    {
        var msisdn = Probe.NewMsisdn();
        await host.PostEventsAsync(
            Probe.Event(msisdn, "LOW_BITRATE", true),
            Probe.Event(msisdn, "LOW_BITRATE", false),
            Probe.Event(msisdn, "LOW_BITRATE", false),
            Probe.Event(msisdn, "LOW_BITRATE", false));

        // The bare digits find the same subscriber as the E.164 form.
        var view = await host.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{msisdn.TrimStart('+')}");

        Assert.Equal(msisdn, view!.Msisdn);
        Assert.Equal(10, view.Sentiment);
        Assert.False(view.OptOut);
        Assert.Contains("Europe/London", view.TimeZone.Split(','));
        var bitrate = view.Types.Single(t => t.Type == "LOW_BITRATE");
        Assert.Equal((4, 1, 0.25, 0.09, TimeSpan.FromMinutes(60)), (bitrate.Sessions, bitrate.Failures, bitrate.FailRate, bitrate.Threshold, bitrate.Window));
        var drop = view.Types.Single(t => t.Type == "CALL_DROP");
        Assert.Equal((0, 0.16, TimeSpan.FromMinutes(15)), (drop.Sessions, drop.Threshold, drop.Window));
        Assert.Empty(view.Engagements);
    }

    [Fact]
    public async Task Opting_out_a_number_never_seen_creates_it_opted_out_and_it_is_never_called()
    {
        var msisdn = Probe.NewMsisdn();
        var put = await host.Http.PutAsJsonAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}/opt-out", new { optOut = true });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        await host.PostEventsAsync(Probe.BadExperience(msisdn));

        var view = await host.GetSubscriberAsync(msisdn);
        Assert.True(view!.OptOut);
        Assert.Empty(view.Engagements);
        var decision = Assert.Single(view.Decisions);
        Assert.False(decision.Engaged);
        Assert.Equal("subscriber opted out of calls", decision.Reason);
    }

    [Fact]
    public async Task Clearing_the_flag_allows_calls_again()
    {
        var msisdn = Probe.NewMsisdn();
        await host.Http.PutAsJsonAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}/opt-out", new { optOut = true });
        var cleared = await host.Http.PutAsJsonAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}/opt-out", new { optOut = false });
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);

        await host.PostEventsAsync(Probe.BadExperience(msisdn));

        var view = await host.GetSubscriberAsync(msisdn);
        Assert.False(view!.OptOut);
        Assert.Single(view.Engagements);
    }

    [Theory]
    [InlineData("{}", "optOut is required")]
    [InlineData("{\"optOut\": \"yes\"}", "optOut must be true or false, not a string")]
    [InlineData("[]", "must be one JSON object")]
    [InlineData("{\"optOut\": tru", "not valid JSON")]
    [InlineData("{\"optOut\": true, \"optOut\": false}", "optOut appears twice")]
    [InlineData("{\"optOut\": 1}", "not a number")]
    public async Task A_bad_opt_out_body_is_a_problem_saying_what_is_wrong_and_changes_nothing(string body, string detailPart)
    {
        var msisdn = Probe.NewMsisdn();
        var response = await host.Http.PutAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}/opt-out", Probe.Json(body));
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-opt-out");
        Assert.Contains(detailPart, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await host.GetSubscriberAsync(msisdn));
    }

    [Theory]
    [InlineData("++447700900123", "may have a + only as its first character")]
    [InlineData("+447700900123 x5", "has letters")]
    [InlineData("+４４7700900123", "U+FF14")]
    public async Task A_lenient_spelling_of_a_number_is_refused_with_the_reason(string msisdn, string detailPart)
    {
        var response = await host.Http.GetAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}");
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid-msisdn");
        Assert.Contains(detailPart, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
