namespace ChurnActors.Grains.Detection;

/// <summary>
/// The last N event ids a subscriber counted, as 64-bit FNV-1a hashes in a ring: enough to absorb
/// at-least-once redelivery with memory that does not grow with traffic. The ring starts small and
/// grows to its capacity only for subscribers that see that many events; a lookup is one vectorized
/// scan, with no index to keep beside it.
/// </summary>
[GenerateSerializer, Alias("churn.event-id-memory")]
public sealed class EventIdMemory
{
    private const int InitialSlots = 16;

    [Id(0)]
    private ulong[] _ring;

    [Id(1)]
    private int _next;

    [Id(2)]
    private int _capacity;

    public EventIdMemory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _ring = new ulong[Math.Min(InitialSlots, capacity)];
    }

    public int Capacity => _capacity;

    public bool Contains(string eventId) => _ring.AsSpan().Contains(Hash(eventId));

    public void Remember(string eventId)
    {
        var hash = Hash(eventId);
        if (_ring.AsSpan().Contains(hash))
        {
            return;
        }

        if (_next == _ring.Length)
        {
            if (_ring.Length < _capacity)
            {
                Array.Resize(ref _ring, Math.Min(_ring.Length * 2, _capacity));
            }
            else
            {
                _next = 0;
            }
        }

        _ring[_next++] = hash;
    }

    private static ulong Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        // 0 marks an empty slot.
        return hash == 0 ? 1 : hash;
    }
}
