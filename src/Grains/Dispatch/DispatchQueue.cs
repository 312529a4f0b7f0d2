using ChurnActors.Grains.Options;

namespace ChurnActors.Grains.Dispatch;

/// <summary>
/// The dispatcher's bookkeeping, free of I/O: engagements waiting (most severe first), engagements
/// backing off after a retryable failure, and calls holding one of Connect's concurrent-call slots.
/// </summary>
public sealed class DispatchQueue(DialerOptions options, DateTimeOffset now)
{
    private readonly PriorityQueue<DialRequest, (double NegativeSeverity, long Order)> _waiting = new();
    private readonly Dictionary<string, Entry> _known = new(StringComparer.Ordinal);
    private readonly TokenBucket _rate = new(options.Quotas.RequestsPerSecond, options.Quotas.Burst, now);
    private long _order;
    private int _inFlight;

    public int Waiting => _known.Count - _inFlight;

    /// <summary>Calls holding a slot: being placed, or placed and waiting for their outcome.</summary>
    public int InFlight => _inFlight;

    /// <summary>Engagements that, once at the head of the queue with a slot free, had to wait for a request token (each counted once).</summary>
    public long RateLimited { get; private set; }

    /// <summary>How long ago the longest-waiting engagement (waiting or backing off) was decided; zero when none waits.</summary>
    public TimeSpan OldestWait(DateTimeOffset now)
    {
        var oldest = now;
        foreach (var entry in _known.Values)
        {
            if (entry.Phase is Phase.Waiting or Phase.BackingOff && entry.Request.DecidedAt < oldest)
            {
                oldest = entry.Request.DecidedAt;
            }
        }

        return now - oldest;
    }

    /// <summary>Adds an engagement unless it is already known here. True if added.</summary>
    public bool Offer(DialRequest request)
    {
        if (_known.ContainsKey(request.EngagementId))
        {
            return false;
        }

        _known[request.EngagementId] = new Entry(request);
        Enqueue(request);
        return true;
    }

    /// <summary>
    /// Takes back a call a lost activation had placed: it holds its slot until its outcome, its
    /// release or its timeout from <paramref name="placedAt"/>, as it did there. True if added.
    /// </summary>
    public bool RestorePlaced(DialRequest request, DateTimeOffset placedAt)
    {
        if (_known.ContainsKey(request.EngagementId))
        {
            return false;
        }

        var entry = new Entry(request) { PlacedAt = placedAt, Attempts = 1 };
        _known[request.EngagementId] = entry;
        SetPhase(entry, Phase.Placed);
        return true;
    }

    /// <summary>
    /// The most severe engagement waiting, if a concurrent-call slot and a request token are free.
    /// It holds its slot and token from here: the slot until <see cref="Forget"/>, <see cref="TryScheduleRetry"/>,
    /// <see cref="Release"/> or its call times out; the token is given back if it is never dialled.
    /// </summary>
    public DialRequest? TakeNext(DateTimeOffset now)
    {
        ReadmitBackedOff(now);
        while (_waiting.Count > 0 && _inFlight < options.Quotas.MaxConcurrentCalls)
        {
            if (!_known.TryGetValue(_waiting.Peek().EngagementId, out var entry) || entry.Phase != Phase.Waiting)
            {
                _waiting.Dequeue();
                continue;
            }

            if (!_rate.TryTake(now))
            {
                if (!entry.WaitedForToken)
                {
                    entry.WaitedForToken = true;
                    RateLimited++;
                }

                return null;
            }

            _waiting.Dequeue();
            SetPhase(entry, Phase.Dialing);
            return entry.Request;
        }

        return null;
    }

    /// <summary>The subscriber cleared the call: it is about to be requested from Connect.</summary>
    public void Cleared(string engagementId)
    {
        if (_known.TryGetValue(engagementId, out var entry))
        {
            entry.Attempts++;
        }
    }

    /// <summary>The subscriber withdrew it or it is not its time: drop it, free its slot, give its token back.</summary>
    public void Forget(string engagementId)
    {
        if (Release(engagementId))
        {
            _rate.Refund();
        }
    }

    public void Placed(string engagementId, DateTimeOffset now)
    {
        if (_known.TryGetValue(engagementId, out var entry))
        {
            SetPhase(entry, Phase.Placed);
            entry.PlacedAt = now;
        }
    }

    /// <summary>
    /// A retryable failure: backs off exponentially and returns true, or, after the configured
    /// attempts (or for a call it does not hold), frees the slot and returns false: give up.
    /// </summary>
    public bool TryScheduleRetry(string engagementId, DateTimeOffset now)
    {
        if (!_known.TryGetValue(engagementId, out var entry))
        {
            return false;
        }

        if (entry.Attempts >= options.MaxAttempts)
        {
            Release(engagementId);
            return false;
        }

        SetPhase(entry, Phase.BackingOff);
        entry.RetryAt = now + (options.RetryBackoff * Math.Pow(2, entry.Attempts - 1));
        return true;
    }

    /// <summary>Frees the slot of a call that ended (feedback, terminal outcome). True if it held one.</summary>
    public bool Release(string engagementId)
    {
        if (!_known.TryGetValue(engagementId, out var entry))
        {
            return false;
        }

        _known.Remove(engagementId);
        var heldSlot = HoldsSlot(entry.Phase);
        if (heldSlot)
        {
            _inFlight--;
        }

        return heldSlot;
    }

    /// <summary>Placed calls with no outcome within the call timeout: their slots are freed and they are returned.</summary>
    public IReadOnlyList<DialRequest> ExpireCalls(DateTimeOffset now)
    {
        var expired = _known.Values
            .Where(e => e.Phase == Phase.Placed && now - e.PlacedAt >= options.CallTimeout)
            .Select(e => e.Request)
            .ToList();
        foreach (var request in expired)
        {
            Release(request.EngagementId);
        }

        return expired;
    }

    public int Attempts(string engagementId) => _known.TryGetValue(engagementId, out var entry) ? entry.Attempts : 0;

    private void ReadmitBackedOff(DateTimeOffset now)
    {
        foreach (var entry in _known.Values)
        {
            if (entry.Phase == Phase.BackingOff && entry.RetryAt <= now)
            {
                SetPhase(entry, Phase.Waiting);
                Enqueue(entry.Request);
            }
        }
    }

    private void SetPhase(Entry entry, Phase phase)
    {
        _inFlight += (HoldsSlot(phase) ? 1 : 0) - (HoldsSlot(entry.Phase) ? 1 : 0);
        entry.Phase = phase;
    }

    private static bool HoldsSlot(Phase phase) => phase is Phase.Dialing or Phase.Placed;

    private void Enqueue(DialRequest request) => _waiting.Enqueue(request, (-request.Severity, _order++));

    private enum Phase
    {
        Waiting,
        BackingOff,
        Dialing,
        Placed,
    }

    private sealed class Entry(DialRequest request)
    {
        public DialRequest Request { get; } = request;

        public Phase Phase { get; set; } = Phase.Waiting;

        public int Attempts { get; set; }

        public DateTimeOffset PlacedAt { get; set; }

        public DateTimeOffset RetryAt { get; set; }

        public bool WaitedForToken { get; set; }
    }
}
