using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Hostile;

/// <summary>Hostile batches on the embedded default (memory record stream): nothing accepted is lost on the way to the lake, and duplicates are absorbed by time, not by count.</summary>
[Collection(HostileInputCollection.Name)]
public sealed class HostileMemoryStreamTests(HostileInputFixture fixture)
{
    private HttpClient Http => fixture.Silo.Http;

    [Fact]
    public async Task Ten_thousand_bad_events_in_one_request_all_reach_the_lake_and_nothing_else_sent_meanwhile_is_lost()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var good = Enumerable.Range(0, 20).Select(_ => Probe.NewMsisdn()).ToArray();

        var bad = Http.PostAsync("/api/v1/probe-events", HostileBatches.Json(HostileBatches.WithoutOffsets(10_000, run)));
        var others = good.Select(m => Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(m, "234-15-MEANWHILE"))).ToArray();
        var response = await bad;
        await Task.WhenAll(others);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<ProbeBatchResult>(JsonSerializerOptions.Web);
        Assert.Equal(0, result!.Accepted);
        Assert.Equal(10_000, result.Rejected.Count);
        Assert.All(others, o => Assert.Equal(HttpStatusCode.Accepted, o.Result.StatusCode));

        var rejected = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(fixture.Silo.LakePath, "rejected"))
                .Select(r => (string)r["payload"]!)
                .Where(p => p.Contains($"\"{run}-no-offset-", StringComparison.Ordinal))
                .ToList(),
            rows => rows.Count >= 10_000,
            "the 10 000 rejections in the lake",
            TimeSpan.FromSeconds(60));
        Assert.Equal(10_000, rejected.Distinct().Count());
        Assert.Equal(10_000, rejected.Count);

        // Each of the others had three FAIL sessions: three incidents each, none lost beside the large batch.
        var incidents = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(fixture.Silo.LakePath, "incidents")).Where(r => good.Contains((string)r["msisdn"]!)).ToList(),
            rows => rows.Count >= 3 * good.Length,
            "the incidents sent beside the large batch");
        Assert.Equal(3 * good.Length, incidents.Count);
    }

    [Fact]
    public async Task A_duplicate_is_absorbed_however_many_events_came_between_while_its_event_is_in_its_window()
    {
        var msisdn = Probe.NewMsisdn();
        var events = Enumerable.Range(0, 300).Select(i => Probe.Event(msisdn, i % 2 == 0 ? "LOW_BITRATE" : "CALL_DROP", fail: false, eventId: $"{msisdn}-{i}")).ToArray();
        var before = (await Http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web))!;

        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsJsonAsync("/api/v1/probe-events", events)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Http.PostAsJsonAsync("/api/v1/probe-events", events[..10])).StatusCode);

        var view = await fixture.Silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web);
        Assert.Equal(150, view!.Types.Single(t => t.Type == "LOW_BITRATE").Sessions);
        Assert.Equal(150, view.Types.Single(t => t.Type == "CALL_DROP").Sessions);
        await ChurnHost.EventuallyAsync(
            async () => (await Http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web))!.EventsDuplicate - before.EventsDuplicate,
            duplicates => duplicates == 10,
            "the 10 redelivered events counted as duplicates");
    }
}
