using System.Collections.Concurrent;

namespace ChurnActors.Grains.Subscribers;

/// <summary>
/// The subscribers of this silo that counted probe-stream events they have not written yet
/// (<see cref="Options.SubscriberWriteOptions.StreamedEventsWrittenBehind"/>). Before a shard's
/// checkpoint moves, every silo flushes them: once <see cref="FlushAsync"/> returns, everything
/// delivered before it was called is in storage. A write lost on deactivation is counted in
/// <see cref="Losses"/>: the checkpoint then must not move, and the shard is read again from it.
/// </summary>
public sealed class UnwrittenSubscribers(GrainReferences references)
{
    /// <summary>Flushes in flight at once: writes go to storage with bounded concurrency, not as a burst.</summary>
    internal const int ConcurrentFlushes = 32;

    private readonly ConcurrentDictionary<string, byte> _unwritten = new(StringComparer.Ordinal);
    private long _losses;

    public int Count => _unwritten.Count;

    /// <summary>Writes that failed on deactivation since the silo started: what they held is only in the stream now.</summary>
    public long Losses => Interlocked.Read(ref _losses);

    internal void Unwritten(string msisdn) => _unwritten.TryAdd(msisdn, 0);

    internal void Written(string msisdn) => _unwritten.TryRemove(msisdn, out _);

    internal void Lost(string msisdn)
    {
        Interlocked.Increment(ref _losses);
        _unwritten.TryRemove(msisdn, out _);
    }

    /// <summary>Has every subscriber unwritten now write; throws if any could not (after trying them all).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var pending = _unwritten.Keys.ToArray();
        var failures = new ConcurrentQueue<Exception>();
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentFlushes, CancellationToken = cancellationToken }, async (msisdn, _) =>
        {
            try
            {
                await references.Subscriber(msisdn).FlushAsync();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                failures.Enqueue(exception);
            }
        });

        if (!failures.IsEmpty)
        {
            throw new AggregateException($"{failures.Count} of {pending.Length} subscribers could not write what they counted from the probe stream.", failures);
        }
    }
}
