namespace ChurnActors;

/// <summary>
/// FNV-1a over a string's UTF-16 code units: stable across processes and versions (unlike
/// <see cref="string.GetHashCode()"/>), so what it picks — a record partition, a stored event-id
/// hash — is the same on every silo and after every restart. Never change it: stored state holds
/// its 64-bit values.
/// </summary>
public static class Fnv1a
{
    public static uint Hash32(string text)
    {
        unchecked
        {
            var hash = 2166136261u;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 16777619u;
            }

            return hash;
        }
    }

    public static ulong Hash64(string text)
    {
        unchecked
        {
            var hash = 14695981039346656037UL;
            foreach (var c in text)
            {
                hash = (hash ^ c) * 1099511628211UL;
            }

            return hash;
        }
    }
}
