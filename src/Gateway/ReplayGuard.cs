using System.Collections.Concurrent;

namespace ChurnActors.Gateway;

/// <summary>
/// Remembers the signatures accepted within the signature tolerance, so a captured request cannot be
/// sent again. Older entries are dropped: such a request fails the timestamp check anyway.
/// </summary>
public sealed class ReplayGuard(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    /// <summary>True the first time a signature is presented; false for a replay.</summary>
    public bool TryAccept(string signature)
    {
        var now = time.GetUtcNow();
        Purge(now);
        return _seen.TryAdd(signature.ToLowerInvariant(), now);
    }

    private void Purge(DateTimeOffset now)
    {
        if (now - _lastPurge < TimeSpan.FromSeconds(30))
        {
            return;
        }

        _lastPurge = now;
        var horizon = now - (2 * FeedbackSignature.Tolerance);
        foreach (var (signature, seenAt) in _seen)
        {
            if (seenAt < horizon)
            {
                _seen.TryRemove(signature, out _);
            }
        }
    }
}
