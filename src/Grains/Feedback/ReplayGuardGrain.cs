namespace ChurnActors.Grains.Feedback;

/// <summary>
/// Remembers the signatures accepted within the signature tolerance, for every gateway of the
/// cluster, so a captured request cannot be sent again to this gateway or another. Held in memory:
/// older entries would fail the timestamp check anyway, and should this activation be lost with its
/// silo, a replay that then gets through changes nothing — the subscriber takes each answer once.
/// </summary>
// Idle longer than the signatures it must remember live (twice the tolerance), so it is never collected while one matters.
[CollectionAgeLimit(Minutes = 15)]
public sealed class ReplayGuardGrain(TimeProvider time) : Grain, IReplayGuardGrain
{
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private DateTimeOffset _lastPurge = DateTimeOffset.MinValue;

    /// <param name="signature">As the gateway normalized it (lower-case hex), which also picked this partition by it.</param>
    public Task<bool> TryAcceptAsync(string signature)
    {
        var now = time.GetUtcNow();
        if (now - _lastPurge >= PurgeEvery)
        {
            _lastPurge = now;
            var horizon = now - (2 * FeedbackSignature.Tolerance);
            foreach (var (seen, at) in _seen)
            {
                if (at < horizon)
                {
                    _seen.Remove(seen);
                }
            }
        }

        return Task.FromResult(_seen.TryAdd(signature, now));
    }
}
