using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;

namespace ChurnActors.Gateway.Live;

/// <summary>
/// The live stream behind the ops page. One reader per tick, shared by every connected page: the
/// cluster is asked once however many pages are open, and not at all when none is.
/// </summary>
public sealed partial class LiveFeed(ILiveSource source, TimeProvider time, ILogger<LiveFeed> logger) : BackgroundService
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    // Made with the feed, not in ExecuteAsync (which .NET runs later, on the pool): ticks count from
    // the feed's creation, whenever the background loop gets going.
    private readonly PeriodicTimer _timer = new(Tick, time);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Channel<string>> _clients = [];
    private (string Json, DateTimeOffset At)? _latest;
    private Task? _reading;
    private bool _stopped;

    public int Clients
    {
        get
        {
            lock (_gate)
            {
                return _clients.Count;
            }
        }
    }

    /// <summary>
    /// Snapshots as JSON, the latest one first, until the client leaves or the gateway stops. A slow
    /// client skips to the newest snapshot rather than queueing old ones.
    /// </summary>
    public async IAsyncEnumerable<string> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        (string Json, DateTimeOffset At)? latest;
        lock (_gate)
        {
            if (_stopped)
            {
                yield break;
            }

            _clients.Add(channel);
            latest = _latest;
        }

        try
        {
            if (latest is { } known)
            {
                yield return known.Json;
            }

            // After a quiet spell the last snapshot is old: read a fresh one now rather than at the next tick.
            if (latest is null || time.GetUtcNow() - latest.Value.At >= Tick)
            {
                _ = RefreshAsync();
            }

            await foreach (var json in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return json;
            }
        }
        finally
        {
            lock (_gate)
            {
                _clients.Remove(channel);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(stoppingToken))
            {
                if (Clients > 0)
                {
                    await RefreshAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await _stopping.CancelAsync();

            // Ends every open stream, so open pages do not hold the gateway's shutdown up.
            lock (_gate)
            {
                _stopped = true;
                foreach (var client in _clients)
                {
                    client.Writer.TryComplete();
                }
            }
        }
    }

    public override void Dispose()
    {
        _timer.Dispose();
        _stopping.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Reads and publishes a snapshot, joining the read already under way if there is one. The read
    /// serves every client, so only the gateway stopping cancels it, never one client leaving.
    /// </summary>
    private Task RefreshAsync()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return Task.CompletedTask;
            }

            if (_reading is { IsCompleted: false })
            {
                return _reading;
            }

            // Started on the pool, never inline: publishing takes this lock again.
            var stopping = _stopping.Token;
            return _reading = Task.Run(() => PublishAsync(stopping));
        }
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        string json;
        try
        {
            var snapshot = await source.ReadAsync(cancellationToken);
            json = JsonSerializer.Serialize(snapshot, JsonSerializerOptions.Web);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogReadFailed(logger, exception);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        lock (_gate)
        {
            _latest = (json, time.GetUtcNow());
            foreach (var client in _clients)
            {
                client.Writer.TryWrite(json);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the live snapshot from the cluster; the next tick tries again")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
