using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// Reads the shard of one queue (and, after a split or merge, its descendants) for the silo the
/// queue balancer gave it to. Each shard is claimed in the checkpoint table first; reads are paced
/// within Kinesis' limit; a shard's checkpoint moves only to records Orleans has delivered (the
/// cache tells when it lets them go), and a checkpoint that finds the shard claimed by another silo
/// ends this silo's reading of it.
/// </summary>
public sealed partial class KinesisQueueReceiver(
    KinesisClient client,
    KinesisShardMap map,
    KinesisStreamOptions options,
    ShardCheckpoints checkpoints,
    IKinesisRecordDecoder decoder,
    IKinesisCheckpointBarrier? barrier,
    KinesisShardProgress progress,
    Func<CancellationToken, Task<IReadOnlyList<KinesisShard>>> listShards,
    string shardId,
    string owner,
    TimeProvider time,
    ILogger logger) : IQueueAdapterReceiver
{
    private readonly List<ShardReader> _readers = [];
    private readonly Queue<ReadDone> _undelivered = new();
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private long _lastToken;
    private long _deliveredToken;
    private int _nextReader;
    private DateTimeOffset _nextCheckpointAt;
    private DateTimeOffset _nextDiscoveryAt;

    /// <summary>The shards this receiver reads now (for tests and diagnostics).</summary>
    public IReadOnlyCollection<string> ReadingShards => _readers.Where(r => r.State == ReaderState.Reading).Select(r => r.ShardId).ToList();

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public async Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await TakeAsync(shardId, cancellationToken);
        _nextCheckpointAt = time.GetUtcNow() + options.CheckpointInterval;
        _nextDiscoveryAt = time.GetUtcNow();
    }

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await CheckpointAsync(force: false, cancellationToken);
        if (now >= _nextDiscoveryAt)
        {
            _nextDiscoveryAt = now + options.DiscoveryInterval;
            await DiscoverAsync(cancellationToken);
        }

        var reader = NextDue(now);
        if (reader is null || maxCount <= 0)
        {
            return [];
        }

        reader.Iterator ??= await client.GetShardIteratorAsync(
            options.StreamName,
            reader.ShardId,
            (reader.LastRead ?? reader.Checkpoint.SequenceNumber) is { } after ? ShardPosition.AfterSequenceNumber(after) : ShardPosition.TrimHorizon,
            cancellationToken);

        GetRecordsResult read;
        try
        {
            read = await client.GetRecordsAsync(reader.Iterator, Math.Min(maxCount, options.MaxRecordsPerRead), cancellationToken);
        }
        catch (KinesisException exception) when (exception.IsExpiredIterator)
        {
            // Positioned again after the last record read, at the next read of this shard.
            LogIteratorExpired(logger, options.StreamName, reader.ShardId);
            reader.Iterator = null;
            return [];
        }
        catch (KinesisException exception) when (exception.IsThrottling)
        {
            reader.Throttled++;
            var pause = TimeSpan.FromMilliseconds(Math.Min(10_000, options.ReadInterval.TotalMilliseconds * (1 << Math.Min(reader.Throttled, 6))));
            reader.NextReadAt = now + pause;
            LogThrottled(logger, options.StreamName, reader.ShardId, pause);
            return [];
        }

        reader.Throttled = 0;
        reader.Behind = read.MillisBehindLatest;
        progress.Read(reader.ShardId, read.Records.Count > 0 || read.MillisBehindLatest > 0 || HasUndelivered(reader), read.MillisBehindLatest);

        // Decoded before the reader moves on: if decoding fails (the rejections cannot be recorded), the same read is made again.
        var deliveries = read.Records.Count > 0
            ? await decoder.DecodeAsync(options.StreamName, reader.ShardId, read.Records, cancellationToken)
            : [];
        reader.Iterator = read.NextShardIterator;
        reader.NextReadAt = now + (read.Records.Count > 0 ? options.ReadInterval : options.IdleReadInterval);
        var batches = new List<IBatchContainer>(deliveries.Count);
        if (read.Records.Count > 0)
        {
            reader.LastRead = read.Records[^1].SequenceNumber;
            foreach (var delivery in deliveries)
            {
                var token = new KinesisSequenceToken(++_lastToken, 0, reader.ShardId, delivery.LastSequenceNumber);
                batches.Add(new KinesisBatchContainer(delivery.StreamId, delivery.Events, delivery.RequestContext, token));
            }
        }

        var ended = read.NextShardIterator is null;
        if (ended)
        {
            reader.State = ReaderState.ReadToEnd;
            _nextDiscoveryAt = now;
            progress.Stopped(reader.ShardId);
            LogShardEnded(logger, options.StreamName, reader.ShardId);
        }

        if (read.Records.Count > 0 || ended)
        {
            _undelivered.Enqueue(new ReadDone(_lastToken, reader, reader.LastRead, ended));
        }

        // A read whose records were all rejected has nothing to wait for.
        Release();
        return batches;
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => MessagesDeliveredAsync(messages, CancellationToken.None);

    public async Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken)
    {
        // The cache lets batches go oldest first, once every consumer has taken them.
        foreach (var message in messages)
        {
            _deliveredToken = Math.Max(_deliveredToken, message.SequenceToken.SequenceNumber);
        }

        Release();
        await CheckpointAsync(force: false, cancellationToken);
    }

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public async Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await CheckpointAsync(force: true, limit.Token);
        }
        catch (Exception exception)
        {
            // The silo is leaving either way; whoever reads the shard next starts from the previous checkpoint.
            LogShutdownCheckpointFailed(logger, options.StreamName, shardId, exception);
        }
    }

    private void Release()
    {
        while (_undelivered.TryPeek(out var done) && done.LastToken <= _deliveredToken)
        {
            _undelivered.Dequeue();
            done.Reader.Delivered = done.SequenceNumber ?? done.Reader.Delivered;
            done.Reader.DeliveredToEnd |= done.EndsShard;
            progress.Advanced(done.Reader.ShardId, caughtUp: done.Reader.Behind == 0 && !HasUndelivered(done.Reader));
        }
    }

    private bool HasUndelivered(ShardReader reader) => _undelivered.Any(d => d.Reader == reader);

    private async Task CheckpointAsync(bool force, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var due = _readers.Where(r => r.State != ReaderState.Lost && (r.Delivered != r.Checkpoint.SequenceNumber || (r.DeliveredToEnd && !r.Checkpoint.Ended))).ToList();
        var endsShard = due.Any(r => r.DeliveredToEnd && !r.Checkpoint.Ended);
        if (due.Count == 0 || (!force && !endsShard && now < _nextCheckpointAt))
        {
            return;
        }

        _nextCheckpointAt = now + options.CheckpointInterval;

        // Where each shard may move to is taken before the barrier: it vouches for what was delivered
        // before it ran, not for what is delivered meanwhile.
        var targets = due.Select(r => (Reader: r, r.Delivered, r.DeliveredToEnd)).ToList();
        if (barrier is not null && !await barrier.BeforeCheckpointAsync(cancellationToken))
        {
            LogReadingAgain(logger, options.StreamName, string.Join(",", targets.Select(t => t.Reader.ShardId)));
            ReadAgainFromCheckpoints(now);
            return;
        }

        foreach (var (reader, delivered, deliveredToEnd) in targets)
        {
            try
            {
                reader.Checkpoint = await checkpoints.AdvanceAsync(reader.ShardId, reader.Checkpoint, delivered, deliveredToEnd, cancellationToken);
                if (reader.Checkpoint.Ended && reader.State != ReaderState.Finished)
                {
                    // Its children may start now.
                    reader.State = ReaderState.Finished;
                    _nextDiscoveryAt = now;
                }
            }
            catch (ShardLostException exception)
            {
                reader.State = ReaderState.Lost;
                progress.Stopped(reader.ShardId);
                LogShardLost(logger, exception.Message);
            }
        }
    }

    /// <summary>
    /// What consumers took since the checkpoints may be lost: every shard still being read starts
    /// again from its checkpoint; what reaches consumers twice is absorbed by event id.
    /// </summary>
    private void ReadAgainFromCheckpoints(DateTimeOffset now)
    {
        // Batches already handed out are still delivered, but they no longer move any shard's position.
        _undelivered.Clear();
        foreach (var reader in _readers.Where(r => r.State is ReaderState.Reading or ReaderState.ReadToEnd))
        {
            reader.State = ReaderState.Reading;
            reader.LastRead = reader.Checkpoint.SequenceNumber;
            reader.Delivered = reader.Checkpoint.SequenceNumber;
            reader.DeliveredToEnd = reader.Checkpoint.Ended;
            reader.Iterator = null;
            reader.NextReadAt = now;
        }
    }

    private ShardReader? NextDue(DateTimeOffset now)
    {
        for (var step = 0; step < _readers.Count; step++)
        {
            var reader = _readers[(_nextReader + step) % _readers.Count];
            if (reader.State == ReaderState.Reading && reader.NextReadAt <= now)
            {
                _nextReader = (_nextReader + step + 1) % _readers.Count;
                return reader;
            }
        }

        return null;
    }

    /// <summary>Starts reading shards of this queue whose parents are read to their end.</summary>
    private async Task DiscoverAsync(CancellationToken cancellationToken)
    {
        var waiting = _readers.Where(r => r.State == ReaderState.WaitingForParents).ToList();
        var finished = _readers.Any(r => r.State is ReaderState.Finished or ReaderState.ReadToEnd);
        if (waiting.Count == 0 && !finished)
        {
            return;
        }

        var shards = await listShards(cancellationToken);
        map.Update(shards);
        var myQueue = map.QueueOf(shardId, shards);
        foreach (var shard in shards.Where(s => !_known.Contains(s.ShardId) && Equals(map.QueueOf(s.ShardId, shards), myQueue)))
        {
            await TakeAsync(shard.ShardId, cancellationToken);
        }

        var listed = shards.ToDictionary(s => s.ShardId, StringComparer.Ordinal);
        foreach (var reader in _readers.Where(r => r.State == ReaderState.WaitingForParents))
        {
            if (await ParentsEndedAsync(listed.GetValueOrDefault(reader.ShardId), listed, cancellationToken))
            {
                reader.State = ReaderState.Reading;
                LogShardStarted(logger, options.StreamName, reader.ShardId, owner);
            }
        }
    }

    private async Task TakeAsync(string shard, CancellationToken cancellationToken)
    {
        _known.Add(shard);
        var checkpoint = await checkpoints.ClaimAsync(shard, owner, cancellationToken);
        progress.Started(shard);
        _readers.Add(new ShardReader(shard, checkpoint)
        {
            State = checkpoint.Ended ? ReaderState.Finished : ReaderState.WaitingForParents,
            Delivered = checkpoint.SequenceNumber,
            DeliveredToEnd = checkpoint.Ended,
        });
    }

    private async Task<bool> ParentsEndedAsync(KinesisShard? shard, Dictionary<string, KinesisShard> listed, CancellationToken cancellationToken)
    {
        foreach (var parent in new[] { shard?.ParentShardId, shard?.AdjacentParentShardId })
        {
            // A parent past the stream's retention is no longer listed: nothing of it is left to read.
            if (parent is null || !listed.ContainsKey(parent))
            {
                continue;
            }

            var mine = _readers.FirstOrDefault(r => r.ShardId == parent);
            var ended = mine is not null ? mine.State == ReaderState.Finished : (await checkpoints.ReadAsync(parent, cancellationToken))?.Ended == true;
            if (!ended)
            {
                return false;
            }
        }

        return true;
    }

    private enum ReaderState
    {
        WaitingForParents,
        Reading,
        ReadToEnd,
        Finished,
        Lost,
    }

    private sealed class ShardReader(string shardId, ShardCheckpoint checkpoint)
    {
        public string ShardId { get; } = shardId;

        public ShardCheckpoint Checkpoint { get; set; } = checkpoint;

        public ReaderState State { get; set; }

        public string? Iterator { get; set; }

        public string? LastRead { get; set; }

        public string? Delivered { get; set; }

        public bool DeliveredToEnd { get; set; }

        public DateTimeOffset NextReadAt { get; set; }

        public int Throttled { get; set; }

        /// <summary>How far behind the shard's tip the last read was (Kinesis' MillisBehindLatest).</summary>
        public long Behind { get; set; }
    }

    /// <summary>A read of a shard whose batches go up to <see cref="LastToken"/>.</summary>
    private sealed record ReadDone(long LastToken, ShardReader Reader, string? SequenceNumber, bool EndsShard);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading shard {Shard} of stream {Stream} as {Owner}")]
    private static partial void LogShardStarted(ILogger logger, string stream, string shard, string owner);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} of stream {Stream} is read to its end")]
    private static partial void LogShardEnded(ILogger logger, string stream, string shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The iterator of shard {Shard} of stream {Stream} expired; positioning it again after the last record read")]
    private static partial void LogIteratorExpired(ILogger logger, string stream, string shard);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reads of shard {Shard} of stream {Stream} are throttled; pausing {Pause}")]
    private static partial void LogThrottled(ILogger logger, string stream, string shard, TimeSpan pause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogShardLost(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Stream}: what consumers took from shards {Shards} since their checkpoints may be lost; reading them again from the checkpoints")]
    private static partial void LogReadingAgain(ILogger logger, string stream, string shards);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The last checkpoint of stream {Stream} queue {Shard} was not written at shutdown; its records since the previous one will be read again")]
    private static partial void LogShutdownCheckpointFailed(ILogger logger, string stream, string shard, Exception exception);
}
