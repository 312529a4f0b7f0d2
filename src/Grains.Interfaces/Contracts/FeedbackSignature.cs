using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ChurnActors;

/// <summary>
/// The feedback endpoint's authentication (docs/design.md §5): <c>X-Churn-Signature</c> = hex
/// HMAC-SHA256(secret, timestamp + "\n" + raw body), <c>X-Churn-Timestamp</c> = unix seconds.
/// </summary>
public static class FeedbackSignature
{
    public const string TimestampHeader = "X-Churn-Timestamp";
    public const string SignatureHeader = "X-Churn-Signature";

    /// <summary>How old (or how far ahead) a signed request may be.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(unixSeconds.ToString(CultureInfo.InvariantCulture) + "\n");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>Constant-time comparison of a presented signature with the expected one.</summary>
    public static bool Matches(string secret, long unixSeconds, ReadOnlySpan<byte> body, string presented)
    {
        var expected = Encoding.ASCII.GetBytes(Compute(secret, unixSeconds, body));
        var actual = Encoding.ASCII.GetBytes(presented.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }
}
