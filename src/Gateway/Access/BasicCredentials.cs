using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ChurnActors.Gateway.Access;

/// <summary>The user and password of an HTTP Basic <c>Authorization</c> header (RFC 7617).</summary>
public static class BasicCredentials
{
    private const string Scheme = "Basic ";

    /// <summary>Longest header read: anything longer is not credentials this gateway issued.</summary>
    private const int MaxHeaderLength = 2048;

    public static bool TryParse(string? header, [NotNullWhen(true)] out string? user, [NotNullWhen(true)] out string? password)
    {
        user = password = null;
        if (header is null || header.Length > MaxHeaderLength || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = header.AsSpan(Scheme.Length).Trim();
        var bytes = new byte[encoded.Length];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var length))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }

    public static string Encode(string user, string password) =>
        Scheme + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
}
