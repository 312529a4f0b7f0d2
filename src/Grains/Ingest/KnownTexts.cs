using System.Collections.Concurrent;

namespace ChurnActors.Grains.Ingest;

/// <summary>
/// Texts that recur from event to event — a subscriber's number as the probe writes it, cells,
/// vendors, device models — each kept once, with what reading it gave: reading one again is a lookup
/// of its characters, not a new string (nor, for a number, libphonenumber again). Bounded: past
/// <c>capacity</c> texts, new ones are read in full every time.
/// </summary>
internal sealed class KnownTexts(int capacity)
{
    private readonly ConcurrentDictionary<string, string> _texts = new(Environment.ProcessorCount * 4, 1024, StringComparer.Ordinal);
    private int _count;

    public bool TryGet(ReadOnlySpan<char> raw, out string value) =>
        _texts.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(raw, out value!);

    /// <summary>Remembers what <paramref name="raw"/> read as, while there is room.</summary>
    public string Remember(string raw, string value)
    {
        // ConcurrentDictionary.Count takes every lock; an approximate count of our own is enough for a bound.
        if (Volatile.Read(ref _count) < capacity && _texts.TryAdd(raw, value))
        {
            Interlocked.Increment(ref _count);
        }

        return value;
    }
}
