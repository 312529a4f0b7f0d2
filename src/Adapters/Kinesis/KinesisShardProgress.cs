using System.Collections.Concurrent;
using ChurnActors.Telemetry;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// How the shards this silo reads are moving, for readiness: a shard whose delivered position has not
/// advanced for <see cref="KinesisStreamOptions.StallAfter"/> while records wait (read but not
/// delivered, failing to decode, or the shard reporting it is behind) makes the silo not ready, so a
/// stuck shard is seen rather than silently waiting.
/// </summary>
/// <remarks>The same figures feed the metrics' shard gauges (<see cref="ChurnMetrics.Shards"/>).</remarks>
public sealed class KinesisShardProgress(string streamName, TimeSpan stallAfter, TimeProvider time, ChurnMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<string, ShardReading> _shards = new(StringComparer.Ordinal);

    /// <summary>The shard is read from here on (taken, or taken again).</summary>
    public void Started(string shardId)
    {
        var shard = new ShardReading { AdvancedAt = time.GetUtcNow() };
        _shards[shardId] = shard;
        if (metrics is not null)
        {
            metrics.Shards[(streamName, shardId)] = shard;
        }
    }

    /// <summary>A read came back: <paramref name="waiting"/> when records are there that are not delivered yet.</summary>
    public void Read(string shardId, bool waiting, long millisBehindLatest = 0)
    {
        if (_shards.TryGetValue(shardId, out var shard))
        {
            shard.Waiting = waiting;
            shard.MillisBehindLatest = millisBehindLatest;
        }
    }

    /// <summary>The shard's delivered position moved.</summary>
    public void Advanced(string shardId, bool caughtUp)
    {
        if (_shards.TryGetValue(shardId, out var shard))
        {
            shard.AdvancedAt = time.GetUtcNow();
            shard.Waiting &= !caughtUp;
        }
    }

    /// <summary>The shard is no longer read by this silo (ended, or taken by another).</summary>
    public void Stopped(string shardId)
    {
        _shards.TryRemove(shardId, out _);
        metrics?.Shards.TryRemove((streamName, shardId), out _);
    }

    /// <summary>The shards stalled now, with how long they have not moved.</summary>
    public IReadOnlyList<(string Shard, TimeSpan Still)> Stalled()
    {
        var now = time.GetUtcNow();
        return [.. _shards
            .Where(s => s.Value.Waiting && now - s.Value.AdvancedAt >= stallAfter)
            .Select(s => (s.Key, now - s.Value.AdvancedAt))
            .OrderBy(s => s.Key, StringComparer.Ordinal)];
    }

    public string StreamName => streamName;

    public int Shards => _shards.Count;

}

/// <summary>Not ready while a shard this silo reads has stood still with records waiting (<see cref="KinesisShardProgress"/>).</summary>
public sealed class ShardProgressHealthCheck(KinesisShardProgress progress) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stalled = progress.Stalled();
        return Task.FromResult(stalled.Count == 0
            ? HealthCheckResult.Healthy($"stream {progress.StreamName}: {progress.Shards} shards read here, none stalled")
            : HealthCheckResult.Unhealthy($"stream {progress.StreamName}: " + string.Join(
                "; ", stalled.Select(s => $"shard {s.Shard} has not advanced for {s.Still.TotalSeconds:F0} s while records wait"))));
    }
}
