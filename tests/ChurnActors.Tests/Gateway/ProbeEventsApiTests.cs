using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Gateway;

[Collection(ChurnHostCollection.Name)]
public sealed class ProbeEventsApiTests(ChurnHost host)
{
    [Fact]
    public async Task Valid_events_are_accepted_and_counted_in_the_profile()
    {
        var msisdn = Probe.NewMsisdn();
        var response = await host.PostEventsAsync(
            Probe.Event(msisdn, "CALL_DROP", false),
            Probe.Event(msisdn, "video_stalling", true),
            Probe.Event(msisdn.TrimStart('+'), "LOW_BITRATE", false));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<ProbeBatchResult>(JsonSerializerOptions.Web);
        Assert.Equal(3, result!.Accepted);
        Assert.Empty(result.Rejected);
        var view = await host.GetSubscriberAsync(msisdn);
        Assert.Equal(1, view!.Types.Single(t => t.Type == "CALL_DROP").Sessions);
        Assert.Equal(1, view.Types.Single(t => t.Type == "VIDEO_STALLING").Failures);
        Assert.Equal(1, view.Types.Single(t => t.Type == "LOW_BITRATE").Sessions);
    }

    [Fact]
    public async Task Bad_events_are_rejected_one_by_one_with_reasons_archived_and_nothing_changed()
    {
        var good = Probe.NewMsisdn();
        var untouched = Probe.NewMsisdn();
        var response = await host.PostEventsAsync(
            Probe.Event(good, "CALL_DROP", false),
            Probe.Event("not-a-number", "CALL_DROP", true),
            Probe.Event(untouched, "SMS_FAILURE", true),
            Probe.Event(untouched, "CALL_DROP", true, at: DateTimeOffset.UtcNow.AddMinutes(30)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<ProbeBatchResult>(JsonSerializerOptions.Web);
        Assert.Equal(1, result!.Accepted);
        Assert.Collection(
            result.Rejected,
            r => Assert.True(r.Index == 1 && r.Reason.Contains("msisdn", StringComparison.Ordinal), r.Reason),
            r => Assert.True(r.Index == 2 && r.Reason.Contains("SMS_FAILURE", StringComparison.Ordinal), r.Reason),
            r => Assert.True(r.Index == 3 && r.Reason.Contains("future", StringComparison.Ordinal), r.Reason));
        Assert.Null(await host.GetSubscriberAsync(untouched));

        var rejected = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(host.LakePath, "rejected"))
                .Where(r => ((string)r["payload"]!).Contains(untouched.TrimStart('+'), StringComparison.Ordinal) || ((string)r["payload"]!).Contains("not-a-number", StringComparison.Ordinal))
                .ToList(),
            rows => rows.Count == 3,
            "the rejected events in the lake");
        Assert.All(rejected, r => Assert.Equal("http", r["source"]));
        Assert.Contains(rejected, r => ((string)r["reason"]!).Contains("SMS_FAILURE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_json_is_a_problem()
    {
        var response = await host.Http.PostAsync("/api/v1/probe-events", Probe.Json("[{\"eventId\": "));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "malformed-json");
    }

    [Fact]
    public async Task A_body_that_is_not_an_array_is_a_problem()
    {
        var response = await host.Http.PostAsync("/api/v1/probe-events", Probe.Json("{\"eventId\": \"x\"}"));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "not-an-array");
    }

    [Fact]
    public async Task An_oversized_batch_is_refused_whole()
    {
        var msisdn = Probe.NewMsisdn();
        var events = Enumerable.Range(0, 10_001).Select(_ => Probe.Event(msisdn, "CALL_DROP", false)).ToArray();
        var response = await host.PostEventsAsync(events);
        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "batch-too-large");
        Assert.Contains("10001", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await host.GetSubscriberAsync(msisdn));
    }

    [Fact]
    public async Task A_full_batch_of_ten_thousand_is_taken()
    {
        var subscribers = Enumerable.Range(0, 100).Select(_ => Probe.NewMsisdn()).ToArray();
        var events = Enumerable.Range(0, 10_000).Select(i => Probe.Event(subscribers[i % 100], "LOW_BITRATE", false)).ToArray();
        var response = await host.PostEventsAsync(events);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<ProbeBatchResult>(JsonSerializerOptions.Web);
        Assert.Equal(10_000, result!.Accepted);
        Assert.Equal(100, (await host.GetSubscriberAsync(subscribers[42]))!.Types.Single(t => t.Type == "LOW_BITRATE").Sessions);
    }

    [Fact]
    public async Task A_broken_element_costs_only_itself()
    {
        var good = Probe.NewMsisdn();
        var valid = JsonSerializer.Serialize(Probe.Event(good, "CALL_DROP", false));
        var broken = System.Text.Encoding.UTF8.GetBytes(JsonSerializer.Serialize(Probe.Event(good, "CALL_DROP", false)).Replace("234-15-00TEST1", "234-15-00TEST\u0001", StringComparison.Ordinal));
        broken[Array.IndexOf(broken, (byte)'\\')] = 0x01;
        var body = System.Text.Encoding.UTF8.GetBytes($"[{valid},{valid.Replace("\"status\":\"OK\"", "\"status\":\"OK\",\"status\":\"FAIL\"", StringComparison.Ordinal)},").Concat(broken).Concat("]"u8.ToArray()).ToArray();

        var response = await host.Http.PostAsync("/api/v1/probe-events", new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<ProbeBatchResult>(JsonSerializerOptions.Web);
        Assert.Equal(1, result!.Accepted);
        Assert.Collection(
            result.Rejected,
            r => Assert.True(r.Index == 1 && r.Reason.Contains("status appears twice", StringComparison.Ordinal), r.Reason),
            r => Assert.True(r.Index == 2 && r.Reason.Contains("not valid JSON", StringComparison.Ordinal), r.Reason));
        Assert.Equal(1, (await host.GetSubscriberAsync(good))!.Types.Single(t => t.Type == "CALL_DROP").Sessions);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_anything_is_read()
    {
        var body = new ByteArrayContent(new byte[(16 * 1024 * 1024) + 1]) { Headers = { ContentType = new("application/json") } };

        var response = await host.Http.PostAsync("/api/v1/probe-events", body);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        Assert.Contains("16777216 bytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
