namespace ChurnActors.Grains.Detection;

/// <summary>
/// The last N event ids a subscriber counted, as 64-bit FNV-1a hashes in a ring: enough to absorb
/// at-least-once redelivery with memory that does not grow with traffic.
/// </summary>
[GenerateSerializer, Alias("churn.event-id-memory")]
public sealed class EventIdMemory
{
    [Id(0)]
    private ulong[] _ring;

    [Id(1)]
    private int _next;

    [NonSerialized]
    private HashSet<ulong>? _index;

    public EventIdMemory(int capacity)
    {
        _ring = new ulong[capacity];
    }

    public int Capacity => _ring.Length;

    public bool Contains(string eventId) => Index.Contains(Hash(eventId));

    public void Remember(string eventId)
    {
        var hash = Hash(eventId);
        var index = Index;
        if (!index.Add(hash))
        {
            return;
        }

        var evicted = _ring[_next];
        if (evicted != 0)
        {
            index.Remove(evicted);
        }

        _ring[_next] = hash;
        _next = (_next + 1) % _ring.Length;
    }

    private HashSet<ulong> Index => _index ??= BuildIndex();

    private HashSet<ulong> BuildIndex()
    {
        var index = new HashSet<ulong>(_ring.Length);
        foreach (var hash in _ring)
        {
            if (hash != 0)
            {
                index.Add(hash);
            }
        }

        return index;
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
