using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChurnActors.Tests.Silo;
using CsCheck;

namespace ChurnActors.Tests.Hostile;

/// <summary>
/// Generated hostile input at every HTTP input path of a running silo: never a 5xx; every element of
/// a batch accepted or refused with a reason; the counters add up; and every refused element reaches
/// the lake's rejected table exactly once, found by the SHA-256 of its bytes.
/// </summary>
[Collection(HostileInputCollection.Name)]
public sealed class HostileInputPropertyTests(HostileInputFixture fixture)
{
    private HttpClient Http => fixture.Silo.Http;

    [Fact]
    public async Task Probe_batches_of_hostile_elements_are_answered_element_by_element_and_every_rejection_reaches_the_lake()
    {
        var before = await SettledStatsAsync();
        var sent = 0L;
        var accepted = 0L;
        var rejectedPayloads = new List<string>();
        await HostileJson.Element.Array[1, 40].SampleAsync(
            async elements =>
            {
                var body = Join(elements);
                using var response = await Http.PostAsync("/api/v1/probe-events", Content(body));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                var result = await response.Content.ReadFromJsonAsync<ProbeBatchResult>(JsonSerializerOptions.Web);
                Assert.Equal(elements.Length, result!.Accepted + result.Rejected.Count);
                Assert.Equal(result.Rejected.Count, result.Rejected.Select(r => r.Index).Distinct().Count());
                Assert.All(result.Rejected, r =>
                {
                    Assert.InRange(r.Index, 0, elements.Length - 1);
                    Assert.False(string.IsNullOrWhiteSpace(r.Reason));
                });
                lock (rejectedPayloads)
                {
                    sent += elements.Length;
                    accepted += result.Accepted;
                    rejectedPayloads.AddRange(result.Rejected.Select(r => Sha256(elements[r.Index])));
                }
            },
            iter: 150,
            threads: 2);

        Assert.True(rejectedPayloads.Count > sent / 4, $"the generators made too few bad elements to prove anything: {rejectedPayloads.Count} of {sent}");
        Assert.True(accepted > 0, "the generators made no valid element");

        var after = await ChurnHost.EventuallyAsync(
            StatsAsync,
            s => s.EventsAccepted - before.EventsAccepted == accepted && s.EventsRejected - before.EventsRejected == rejectedPayloads.Count,
            "the counters to add up to what the batches were answered");
        Assert.Equal(sent, after.EventsAccepted + after.EventsRejected - before.EventsAccepted - before.EventsRejected);

        // The silo is this collection's: other tests' rejections are in its lake too, but none of them has these payloads.
        var expected = rejectedPayloads.CountBy(h => h).ToDictionary(c => c.Key, c => c.Value);
        var inLake = await ChurnHost.EventuallyAsync(
            async () => (await LakeReader.ReadTableAsync(fixture.Silo.LakePath, "rejected"))
                .Where(r => (string?)r["source"] == "http" && expected.ContainsKey((string)r["payload_sha256"]!))
                .CountBy(r => (string)r["payload_sha256"]!)
                .ToDictionary(c => c.Key, c => c.Value),
            lake => lake.Sum(c => c.Value) >= rejectedPayloads.Count,
            "every rejection in the lake",
            TimeSpan.FromSeconds(30));
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), inLake.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Arbitrary_bodies_never_get_a_server_error_from_any_endpoint()
    {
        var bodies = Gen.OneOf(
            Gen.Byte.Array[0, 400],
            HostileJson.Value.Select(Encoding.UTF8.GetBytes),
            HostileJson.Element.Array[0, 5].Select(Join),
            HostileJson.MutatedEvent.Select(e => Encoding.UTF8.GetBytes("[" + e)));
        var endpoints = Gen.OneOf(
            (HttpMethod.Post, "/api/v1/probe-events"),
            (HttpMethod.Post, "/api/v1/connect/feedback"),
            (HttpMethod.Put, "/api/v1/subscribers/+447700900777/opt-out"),
            (HttpMethod.Put, "/api/v1/subscribers/%2B%2B447700900777/opt-out"));
        await Gen.Select(bodies, endpoints, Gen.OneOf("application/json", "text/plain", "application/json; charset=utf-16")).SampleAsync(
            async (body, endpoint, mediaType) =>
            {
                using var request = new HttpRequestMessage(endpoint.Item1, endpoint.Item2)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(mediaType) } },
                };
                if (endpoint.Item2.EndsWith("feedback", StringComparison.Ordinal))
                {
                    var at = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                    request.Headers.Add(FeedbackSignature.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    request.Headers.Add(FeedbackSignature.SignatureHeader, FeedbackSignature.Compute(ChurnHost.FeedbackSecret, at, body));
                }

                using var response = await Http.SendAsync(request);
                await AssertAnsweredAsync(response, $"{endpoint.Item1} {endpoint.Item2}");
            },
            iter: 300,
            threads: 2);
    }

    [Fact]
    public async Task Arbitrary_paths_and_queries_never_get_a_server_error()
    {
        // Kestrel itself refuses a path holding NUL (%00) with a bare 400 before any application code
        // runs, as it refuses malformed request lines: that answer is the server's, not the API's.
        var segment = Gen.OneOf(HostileJson.StringLiteral.Select(s => s[1..^1]), Gen.String[Gen.Char, 0, 80])
            .Select(s => new string([.. s.Where(c => c != '\0' && !char.IsSurrogate(c))]));
        await Gen.Select(segment, Gen.OneOf("/api/v1/subscribers/", "/api/v1/cells/", "/api/v1/cells?top=", "/api/v1/", "/")).SampleAsync(
            async (text, prefix) =>
            {
                var path = prefix + Uri.EscapeDataString(text);
                using var response = await Http.GetAsync(path);
                await AssertAnsweredAsync(response, "GET " + path);
            },
            iter: 200,
            threads: 2);
    }

    private static async Task AssertAnsweredAsync(HttpResponseMessage response, string what)
    {
        Assert.True((int)response.StatusCode < 500, $"{what} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if ((int)response.StatusCode >= 400 && response.StatusCode != HttpStatusCode.NotFound || response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.StartsWith("urn:churnactors:problem:", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()), what);
        }
    }

    private async Task<StatsSnapshot> StatsAsync() => (await Http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web))!;

    /// <summary>The counters once what earlier tests counted has been reported (silos report once a second).</summary>
    private async Task<StatsSnapshot> SettledStatsAsync()
    {
        var last = await StatsAsync();
        while (true)
        {
            await Task.Delay(1_100);
            var now = await StatsAsync();
            if ((now.EventsAccepted, now.EventsRejected) == (last.EventsAccepted, last.EventsRejected))
            {
                return now;
            }

            last = now;
        }
    }

    private static byte[] Join(byte[][] elements)
    {
        var body = new List<byte> { (byte)'[' };
        for (var i = 0; i < elements.Length; i++)
        {
            if (i > 0)
            {
                body.Add((byte)',');
            }

            body.AddRange(elements[i]);
        }

        body.Add((byte)']');
        return [.. body];
    }

    private static ByteArrayContent Content(byte[] body) => new(body) { Headers = { ContentType = new("application/json") } };

    private static string Sha256(byte[] payload) => Convert.ToHexStringLower(SHA256.HashData(payload));
}
