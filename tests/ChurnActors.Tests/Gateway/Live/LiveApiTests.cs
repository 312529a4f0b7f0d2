using System.Text.Json;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Gateway.Live;

[Collection(ChurnHostCollection.Name)]
public sealed class LiveApiTests(ChurnHost host)
{
    [Fact]
    public async Task The_live_stream_sends_the_ranking_and_the_counters_as_server_sent_events()
    {
        var cell = "234-15-LIVE" + Guid.NewGuid().ToString("N")[..6];
        await host.PostEventsAsync(Probe.Event(Probe.NewMsisdn(), "VIDEO_STALLING", true, cell: cell));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await host.Http.GetAsync("/api/v1/live", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        // Snapshots keep coming, once a second: read until one shows the cell.
        JsonElement snapshot;
        do
        {
            snapshot = await NextSnapshotAsync(reader, timeout.Token);
        }
        while (!snapshot.GetProperty("cells").EnumerateArray().Any(c => c.GetProperty("cell").GetString() == cell));

        var row = snapshot.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("cell").GetString() == cell);
        Assert.Equal(1, row.GetProperty("subscribers").GetInt64());
        Assert.True(snapshot.GetProperty("stats").GetProperty("eventsAccepted").GetInt64() >= 1);
        Assert.True(snapshot.TryGetProperty("at", out _));
    }

    private static async Task<JsonElement> NextSnapshotAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? eventType = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventType = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                Assert.Equal("snapshot", eventType);
                return JsonSerializer.Deserialize<JsonElement>(line["data: ".Length..]);
            }
        }

        throw new Xunit.Sdk.XunitException("The live stream ended.");
    }
}
