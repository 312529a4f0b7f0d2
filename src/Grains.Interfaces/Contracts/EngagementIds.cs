using System.Security.Cryptography;
using System.Text;

namespace ChurnActors;

/// <summary>
/// Engagement ids carry a short fingerprint of the subscriber's number, so feedback naming the
/// wrong number is recognised as such without a lookup, and the id never shows the number itself.
/// </summary>
public static class EngagementIds
{
    private const string Prefix = "eng-";

    public static string New(string msisdn) =>
        $"{Prefix}{Fingerprint(msisdn)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";

    public static bool IsWellFormed(string? engagementId) =>
        engagementId is { Length: 29 }
        && engagementId.StartsWith(Prefix, StringComparison.Ordinal)
        && engagementId[12] == '-'
        && engagementId.AsSpan(4, 8).ContainsAnyExcept("0123456789abcdef") is false
        && engagementId.AsSpan(13).ContainsAnyExcept("0123456789abcdef") is false;

    public static bool BelongsTo(string engagementId, string msisdn) =>
        IsWellFormed(engagementId) && engagementId.AsSpan(4, 8).SequenceEqual(Fingerprint(msisdn));

    private static string Fingerprint(string msisdn) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(msisdn)).AsSpan(0, 4));
}
