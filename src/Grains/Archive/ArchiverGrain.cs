using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using ChurnActors.Grains.Options;
using ChurnActors.Telemetry;
using ChurnActors.Grains.Subscribers;
using ChurnActors.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace ChurnActors.Grains.Archive;

/// <summary>
/// Drains one partition of the record stream into Parquet objects in the data lake, buffered by size
/// and time and flushed on deactivation (silo shutdown). An object is named after the stream position
/// of its first row, so writing the same range again replaces it rather than duplicating rows.
/// <para>
/// On a replayable stream (Kinesis) it also keeps, per shard, the position of the last row it has
/// written: records the stream delivers again after a failure are recognised and not written twice,
/// and the stream's checkpoint is written only after <see cref="FlushAsync"/> has emptied the buffer.
/// </para>
/// </summary>
[ImplicitStreamSubscription(RecordStreams.Namespace)]
public sealed partial class ArchiverGrain(
    [PersistentState("archiver", ArchiverGrain.StorageName)] IPersistentState<ArchiverState> written,
    IArchiveSink sink,
    IOptions<ArchiveOptions> options,
    ChurnMetrics metrics,
    TimeProvider time,
    ILogger<ArchiverGrain> logger) : Grain, IArchiverGrain, IStreamSubscriptionObserver, IAsyncObserver<RecordBatch>
{
    /// <summary>The grain storage of the archivers' written positions (on DynamoDB, the grain-state table).</summary>
    public const string StorageName = "archives";

    internal static readonly TimeSpan CheckPeriod = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, List<PositionedRecord>> _buffer = new(StringComparer.Ordinal);

    /// <summary>Per source (shard), the position of the last row buffered or written.</summary>
    private readonly Dictionary<string, BigInteger> _received = new(StringComparer.Ordinal);
    private int _bufferedRows;
    private long _bufferedBytes;
    private DateTimeOffset? _oldestBufferedAt;
    private string _writer = "";
    private int _failedWrites;
    private DateTimeOffset _retryAt;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Positions of an in-memory stream restart with the process; the activation's start keeps names unique.
        _writer = $"{this.GetPrimaryKeyString()}-{time.GetUtcNow().ToUnixTimeMilliseconds()}";
        foreach (var (source, offset) in written.State.Written)
        {
            _received[source] = BigInteger.Parse(offset, CultureInfo.InvariantCulture);
        }

        this.RegisterGrainTimer(FlushIfDueAsync, new GrainTimerCreationOptions(CheckPeriod, CheckPeriod));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await WriteBufferAsync(cancellationToken);
        if (_bufferedRows > 0)
        {
            LogRowsLeft(logger, _bufferedRows, this.GetPrimaryKeyString());
        }

        metrics.ArchiveBuffered.TryRemove(this.GetPrimaryKeyString(), out _);
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<RecordBatch>().ResumeAsync(this);

    public async Task OnNextAsync(RecordBatch item, StreamSequenceToken? token = null)
    {
        var itemBytes = item.Records.Sum(r => (long)RecordSizes.Estimate(r));
        if (OverBufferLimit(item.Records.Count, itemBytes))
        {
            await WriteBufferAsync(CancellationToken.None);
            if (OverBufferLimit(item.Records.Count, itemBytes))
            {
                // Backpressure: refused, the batch stays in the stream and is delivered again later.
                throw new ArchiveUnavailableException(
                    $"The data lake cannot be written: {_bufferedRows} rows of record partition {this.GetPrimaryKeyString()} are waiting; this batch will be delivered again.");
            }
        }

        string position;
        if (token is IReplayablePosition replayable)
        {
            if (_received.TryGetValue(replayable.Source, out var last) && replayable.Offset <= last)
            {
                // Delivered again after a failure: already buffered or in the lake.
                return;
            }

            _received[replayable.Source] = replayable.Offset;
            position = $"{this.GetPrimaryKeyString()}-{replayable.Source}-{replayable.Offset}";
        }
        else
        {
            position = $"{_writer}-{token?.SequenceNumber ?? 0:D12}";
        }

        for (var index = 0; index < item.Records.Count; index++)
        {
            var record = item.Records[index];
            if (record is RejectedRecord rejected && RejectedSources.TryParseStreamPosition(rejected.Source, out var origin, out var offset))
            {
                // A probe record rejected again because its shard was read again after a failure.
                if (_received.TryGetValue(origin, out var seen) && offset <= seen)
                {
                    continue;
                }

                _received[origin] = offset;
            }

            var table = RecordTables.TableOf(record);
            if (!_buffer.TryGetValue(table, out var rows))
            {
                _buffer[table] = rows = [];
            }

            var size = RecordSizes.Estimate(record);
            rows.Add(new PositionedRecord(record, position, index, size));
            _bufferedRows++;
            _bufferedBytes += size;
        }

        _oldestBufferedAt ??= time.GetUtcNow();
        metrics.ArchiveBuffered[this.GetPrimaryKeyString()] = _bufferedRows;
        if (_bufferedRows >= options.Value.FlushRows || _bufferedBytes >= options.Value.FlushBytes)
        {
            await WriteBufferAsync(CancellationToken.None);
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex)
    {
        LogStreamError(logger, this.GetPrimaryKeyString(), ex);
        return Task.CompletedTask;
    }

    public async Task FlushAsync()
    {
        await WriteBufferAsync(CancellationToken.None);
        if (_bufferedRows > 0)
        {
            throw new ArchiveUnavailableException($"{_bufferedRows} rows of record partition {this.GetPrimaryKeyString()} could not be written to the data lake yet.");
        }
    }

    private async Task FlushIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_oldestBufferedAt is { } oldest && now - oldest >= options.Value.FlushInterval && now >= _retryAt)
        {
            await WriteBufferAsync(cancellationToken);
        }
    }

    /// <summary>Writes every buffered table; rows of a table whose write fails stay buffered for the next try.</summary>
    private async Task WriteBufferAsync(CancellationToken cancellationToken)
    {
        foreach (var (table, rows) in _buffer.Where(t => t.Value.Count > 0).ToList())
        {
            try
            {
                foreach (var partition in rows.GroupBy(r => PartitionOf(r.Record.Timestamp)))
                {
                    var first = partition.First();
                    var key = ObjectKey(table, first.Record.Timestamp, first.Position, first.Index);
                    var started = Stopwatch.GetTimestamp();
                    var content = await RecordTables.ToParquetAsync(table, [.. partition.Select(r => r.Record)], cancellationToken);
                    await sink.PutAsync(key, content, cancellationToken);
                    metrics.ArchiveFlushDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("churn.table", table));
                    metrics.ArchiveRowsWritten.Add(partition.Count(), new KeyValuePair<string, object?>("churn.table", table));
                }

                _bufferedRows -= rows.Count;
                _bufferedBytes -= rows.Sum(r => (long)r.Size);
                rows.Clear();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogWriteFailed(logger, table, this.GetPrimaryKeyString(), rows.Count, exception);
                metrics.ArchiveWriteFailures.Add(1, new KeyValuePair<string, object?>("churn.table", table));
            }
        }

        metrics.ArchiveBuffered[this.GetPrimaryKeyString()] = _bufferedRows;

        _oldestBufferedAt = _bufferedRows > 0 ? _oldestBufferedAt : null;
        if (_bufferedRows == 0)
        {
            _failedWrites = 0;
            await RememberWrittenAsync();
        }
        else
        {
            // Back off while the lake is unavailable: 1 s, 2 s, 4 s … up to 30 s between tries.
            _failedWrites++;
            var delay = TimeSpan.FromTicks(Math.Min(LongestRetry.Ticks, FirstRetry.Ticks << Math.Min(_failedWrites - 1, 16)));
            _retryAt = time.GetUtcNow() + delay;
        }
    }

    private static string PartitionOf(DateTimeOffset timestamp)
    {
        var utc = timestamp.UtcDateTime;
        return $"dt={utc:yyyy-MM-dd}/hour={utc:HH}";
    }

    /// <summary>Once everything buffered is in the lake, the positions of replayable sources are kept (only when they moved).</summary>
    private async Task RememberWrittenAsync()
    {
        if (_received.Count == written.State.Written.Count
            && _received.All(r => written.State.Written.TryGetValue(r.Key, out var offset) && offset == r.Value.ToString(CultureInfo.InvariantCulture)))
        {
            return;
        }

        written.State = new ArchiverState(_received.ToDictionary(r => r.Key, r => r.Value.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal));
        await written.WriteStateAsync();
    }

    /// <summary>The object a range of rows is written to: named after the stream position of its first row, so a replay replaces it.</summary>
    internal static string ObjectKey(string table, DateTimeOffset firstRowTime, string firstPosition, int firstIndex) =>
        $"{table}/{PartitionOf(firstRowTime)}/{firstPosition}-{firstIndex:D5}.parquet";

    private bool OverBufferLimit(int rows, long bytes) =>
        _bufferedRows + rows > options.Value.MaxBufferedRows || (_bufferedRows > 0 && _bufferedBytes + bytes > options.Value.MaxBufferedBytes);

    private sealed record PositionedRecord(ChurnRecord Record, string Position, int Index, int Size);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write {Rows} {Table} rows of record partition {Partition}; they stay buffered")]
    private static partial void LogWriteFailed(ILogger logger, string table, string partition, int rows, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Rows} rows of record partition {Partition} could not be written before deactivation")]
    private static partial void LogRowsLeft(ILogger logger, int rows, string partition);

    [LoggerMessage(Level = LogLevel.Error, Message = "Record stream {Partition} reported an error")]
    private static partial void LogStreamError(ILogger logger, string partition, Exception exception);
}

/// <summary>Per replayable source (a shard), the position of the last row in the lake (a decimal sequence number).</summary>
[GenerateSerializer, Immutable, Alias("churn.archiver-state")]
public sealed record ArchiverState([property: Id(0)] IReadOnlyDictionary<string, string> Written)
{
    public ArchiverState()
        : this(new Dictionary<string, string>(StringComparer.Ordinal))
    {
    }
}

/// <summary>The data lake cannot take more rows now; the records are refused so the stream keeps them.</summary>
public sealed class ArchiveUnavailableException(string message) : Exception(message);
