namespace ChurnActors.Grains.Dispatch;

/// <summary>Connect's API rate quota: <c>rate</c> requests a second on average, up to <c>burst</c> at once.</summary>
public sealed class TokenBucket(double ratePerSecond, int burst, DateTimeOffset now)
{
    private double _tokens = burst;
    private DateTimeOffset _refilledAt = now;

    public bool TryTake(DateTimeOffset now)
    {
        Refill(now);
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }

    /// <summary>Gives back a token taken for a request that was never sent.</summary>
    public void Refund() => _tokens = Math.Min(burst, _tokens + 1);

    private void Refill(DateTimeOffset now)
    {
        if (now > _refilledAt)
        {
            _tokens = Math.Min(burst, _tokens + ((now - _refilledAt).TotalSeconds * ratePerSecond));
            _refilledAt = now;
        }
    }
}
