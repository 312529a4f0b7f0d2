using System.Collections.Immutable;
using System.Text.Json;
using ChurnActors.Gateway.Live;
using ChurnActors.Tests.Silo;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChurnActors.Tests.Gateway.Live;

/// <summary>The live feed asks the cluster once a tick for every open page together, and never with no page open.</summary>
public sealed class LiveFeedTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-03-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly CountingSource _source;
    private readonly LiveFeed _feed;

    public LiveFeedTests()
    {
        _source = new CountingSource(_time);
        _feed = new LiveFeed(_source, _time, NullLogger<LiveFeed>.Instance);
    }

    public Task InitializeAsync() => _feed.StartAsync(CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _feed.StopAsync(CancellationToken.None);
        _feed.Dispose();
    }

    [Fact]
    public async Task With_no_page_open_the_cluster_is_not_asked()
    {
        for (var tick = 0; tick < 5; tick++)
        {
            _time.Advance(LiveFeed.Tick);
        }

        await Task.Delay(200);
        Assert.Equal(0, _source.Reads);
    }

    [Fact]
    public async Task Every_open_page_gets_the_same_snapshot_from_one_read_per_tick()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var pages = Enumerable.Range(0, 3).Select(_ => _feed.SubscribeAsync(stop.Token).GetAsyncEnumerator(stop.Token)).ToList();

        // The first page asks for a snapshot at once; the others join that read or take its result.
        var first = await Task.WhenAll(pages.Select(p => NextAsync(p)));
        var readsAfterJoining = _source.Reads;

        _time.Advance(LiveFeed.Tick);
        var second = await Task.WhenAll(pages.Select(p => NextAsync(p)));
        _time.Advance(LiveFeed.Tick);
        var third = await Task.WhenAll(pages.Select(p => NextAsync(p)));

        Assert.Equal(1, readsAfterJoining);
        Assert.Equal(readsAfterJoining + 2, _source.Reads);
        Assert.Single(second.Distinct());
        Assert.Single(third.Distinct());
        Assert.NotEqual(second[0], third[0]);
        Assert.All(first, json => Assert.StartsWith("{\"at\":", json, StringComparison.Ordinal));
        foreach (var page in pages)
        {
            await page.DisposeAsync();
        }

        await ChurnHost.EventuallyAsync(() => Task.FromResult(_feed.Clients), clients => clients == 0, "the pages to leave");
    }

    [Fact]
    public async Task Stopping_the_gateway_ends_every_open_stream()
    {
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in _feed.SubscribeAsync(CancellationToken.None))
            {
            }
        });
        await ChurnHost.EventuallyAsync(() => Task.FromResult(_feed.Clients), clients => clients == 1, "the page to connect");

        await _feed.StopAsync(CancellationToken.None);

        await reading.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, _feed.Clients);
    }

    [Fact]
    public void A_snapshot_is_sent_as_the_page_reads_it()
    {
        var stats = new StatsSnapshot(3, 1, 0, ImmutableDictionary<string, long>.Empty.Add("answered", 2), 4, 2, _time.GetUtcNow());
        var json = JsonSerializer.Serialize(new LiveSnapshot(_time.GetUtcNow(), [new("234-15-A", 5, 9, 2, -4, -2, 15)], stats), JsonSerializerOptions.Web);

        using var document = JsonDocument.Parse(json);
        var cell = document.RootElement.GetProperty("cells")[0];
        Assert.Equal("234-15-A", cell.GetProperty("cell").GetString());
        Assert.Equal(-2, cell.GetProperty("meanChangeSentiment").GetDouble());
        Assert.Equal(3, document.RootElement.GetProperty("stats").GetProperty("eventsAccepted").GetInt64());
    }

    private static async Task<string> NextAsync(IAsyncEnumerator<string> page)
    {
        Assert.True(await page.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        return page.Current;
    }

    /// <summary>Counts reads; each snapshot carries its read's number, so snapshots from different reads differ.</summary>
    private sealed class CountingSource(TimeProvider time) : ILiveSource
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public Task<LiveSnapshot> ReadAsync(CancellationToken cancellationToken)
        {
            var read = Interlocked.Increment(ref _reads);
            var stats = new StatsSnapshot(read, 0, 0, ImmutableDictionary<string, long>.Empty, 0, 0, time.GetUtcNow());
            return Task.FromResult(new LiveSnapshot(time.GetUtcNow(), [], stats));
        }
    }
}
