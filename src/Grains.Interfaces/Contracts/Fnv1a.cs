namespace ChurnActors;

/// <summary>
/// FNV-1a over a string's UTF-16 code units: stable across processes and versions (unlike
/// <see cref="string.GetHashCode()"/>), so what it picks — a record partition, a stored event-id
/// hash — is the same on every silo and after every restart. Never change it: stored state holds
/// its 64-bit values.
/// </summary>
public static class Fnv1a
{
    public static uint Hash32(string text) => Hash(text, 2166136261u, 16777619u);

    public static ulong Hash64(string text) => Hash(text, 14695981039346656037UL, 1099511628211UL);

    /// <summary>One width of FNV-1a: its offset basis and prime; the multiply wraps, as FNV's does.</summary>
    private static T Hash<T>(string text, T offsetBasis, T prime)
        where T : System.Numerics.IBinaryInteger<T>, System.Numerics.IUnsignedNumber<T>
    {
        var hash = offsetBasis;
        foreach (var c in text)
        {
            hash = (hash ^ T.CreateTruncating(c)) * prime;
        }

        return hash;
    }
}
