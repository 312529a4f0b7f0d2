using System.Collections.Concurrent;

namespace ChurnActors.Grains.Ingest;

/// <summary>
/// Texts that recur from event to event — a subscriber's number as the probe writes it, cells,
/// vendors, device models — each kept once, with what reading it gave: reading one again is a lookup
/// of its characters, not a new string (nor, for a number, libphonenumber again). Bounded: past
/// <c>capacity</c> texts, new ones are read in full every time.
/// </summary>
internal sealed class KnownTexts
{
    private readonly int _capacity;
    private readonly ConcurrentDictionary<string, string> _texts;
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private int _count;

    public KnownTexts(int capacity)
    {
        _capacity = capacity;
        _texts = new(Environment.ProcessorCount * 4, 1024, StringComparer.Ordinal);
        _bySpan = _texts.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> raw, out string value) => _bySpan.TryGetValue(raw, out value!);

    /// <summary>Remembers what <paramref name="raw"/> read as, while there is room; one string when both are the same text.</summary>
    public string Remember(string raw, string value)
    {
        value = string.Equals(raw, value, StringComparison.Ordinal) ? raw : value;
        // ConcurrentDictionary.Count takes every lock; an approximate count of our own is enough for a bound.
        if (Volatile.Read(ref _count) < _capacity && _texts.TryAdd(raw, value))
        {
            Interlocked.Increment(ref _count);
        }

        return value;
    }
}
