namespace ChurnActors.Grains.Rules;

/// <summary>
/// The event ids a subscriber has counted, each kept for as long as its event could still be counted
/// — until its time leaves its type's window — so a redelivered event is absorbed however many others
/// came in between. Ids are 64-bit FNV-1a hashes beside the unix minute they may be forgotten at: 12
/// bytes an id, a lookup is one vectorized scan, expired ids are dropped when room is needed.
/// <para>
/// Bounded: past <c>maxIds</c> live ids the one that would expire first is forgotten, and from then
/// on an event that would expire no later than it is refused as outside the window (its duplicate
/// could no longer be recognised), so nothing is ever counted twice.
/// </para>
/// </summary>
[GenerateSerializer, Alias("churn.event-id-memory")]
public sealed class EventIdMemory
{
    private const int InitialSlots = 8;

    [Id(0)]
    private ulong[] _hashes;

    [Id(1)]
    private int _count;

    /// <summary>Per id, the unix minute from which its event can no longer be counted.</summary>
    [Id(3)]
    private int[]? _expiries;

    /// <summary>Events that expire at or before this minute can no longer be checked, so are not counted.</summary>
    [Id(4)]
    private int _horizon;

    public EventIdMemory()
    {
        _hashes = new ulong[InitialSlots];
        _expiries = new int[InitialSlots];
    }

    public int Count => _expiries is null ? _hashes.Count(h => h != 0) : _count;

    public bool Contains(string eventId) =>
        (_expiries is null ? _hashes : _hashes.AsSpan(0, _count)).Contains(Hash(eventId));

    /// <summary>Whether an event that may be forgotten at <paramref name="expiryMinute"/> is too old to check against what is remembered.</summary>
    public bool IsBeyondRecall(long expiryMinute) => expiryMinute <= _horizon;

    /// <param name="expiryMinute">The unix minute its event leaves its window.</param>
    /// <param name="nowMinute">The unix minute now: ids that expired by then make room first.</param>
    /// <param name="maxIds">The most live ids kept.</param>
    public void Remember(string eventId, long expiryMinute, long nowMinute, int maxIds)
    {
        Upgrade(nowMinute);
        var hash = Hash(eventId);
        if (_hashes.AsSpan(0, _count).Contains(hash))
        {
            return;
        }

        if (_count == _hashes.Length)
        {
            Forget(nowMinute);
        }

        if (_count >= maxIds)
        {
            ForgetFirstToExpire();
        }

        if (_count == _hashes.Length)
        {
            var size = Math.Min(Math.Max(InitialSlots, _hashes.Length * 2), Math.Max(maxIds, InitialSlots));
            Array.Resize(ref _hashes, size);
            Array.Resize(ref _expiries, size);
        }

        _hashes[_count] = hash;
        _expiries![_count] = (int)Math.Min(expiryMinute, int.MaxValue);
        _count++;
    }

    /// <summary>Drops the ids whose events have left their windows by <paramref name="nowMinute"/>.</summary>
    public void Forget(long nowMinute)
    {
        Upgrade(nowMinute);
        var kept = 0;
        for (var index = 0; index < _count; index++)
        {
            if (_expiries![index] > nowMinute)
            {
                _hashes[kept] = _hashes[index];
                _expiries[kept] = _expiries[index];
                kept++;
            }
        }

        _hashes.AsSpan(kept, _count - kept).Clear();
        _count = kept;
    }

    private void ForgetFirstToExpire()
    {
        var first = 0;
        for (var index = 1; index < _count; index++)
        {
            if (_expiries![index] < _expiries[first])
            {
                first = index;
            }
        }

        _horizon = Math.Max(_horizon, _expiries![first]);
        _count--;
        _hashes[first] = _hashes[_count];
        _expiries[first] = _expiries[_count];
        _hashes[_count] = 0;
    }

    /// <summary>
    /// State written before ids had expiries (a ring of the last N ids, times unknown): each is kept
    /// for a day from its first use here, longer than any window can be configured.
    /// </summary>
    private void Upgrade(long nowMinute)
    {
        if (_expiries is not null)
        {
            return;
        }

        var ids = _hashes.Where(h => h != 0).ToArray();
        _hashes = ids.Length == 0 ? new ulong[InitialSlots] : ids;
        _expiries = Enumerable.Repeat((int)Math.Min(nowMinute + (24 * 60), int.MaxValue), _hashes.Length).ToArray();
        _count = ids.Length;
    }

    private static ulong Hash(string text)
    {
        var hash = Fnv1a.Hash64(text);

        // 0 marks an empty slot.
        return hash == 0 ? 1 : hash;
    }
}
