using System.Text.RegularExpressions;

namespace ChurnActors.Gateway.Logging;

/// <summary>
/// Masks phone numbers in text bound for a log: every international number (<c>+</c> or URL-encoded
/// <c>%2B</c> and 6–15 digits), and every bare run of 10–15 digits that stands on its own after a
/// space, slash, quote, bracket, comma or <c>=</c> — the shapes an msisdn takes in a grain id, a stream
/// id, a request path or an exception message. Country code and the last two digits stay, as in
/// <see cref="Msisdns.Mask"/>. Runs joined to other characters (shard ids, sequence numbers, a silo's
/// generation, byte counts) are left alone.
/// </summary>
public static partial class PhoneNumberRedaction
{
    public static string Redact(string text) =>
        text.Length < 10 || !MayHoldNumber(text) ? text : Numbers().Replace(text, Mask);

    /// <summary>Cheap test before the expression: no number is shorter than six digits.</summary>
    private static bool MayHoldNumber(string text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && ++digits >= 6)
            {
                return true;
            }
        }

        return false;
    }

    private static string Mask(Match match)
    {
        var prefix = match.Groups["prefix"].Value;
        var digits = match.Groups["digits"].Value;
        return string.Concat(prefix, digits.AsSpan(0, 2), new string('*', digits.Length - 4), digits.AsSpan(digits.Length - 2));
    }

    [GeneratedRegex(@"(?:(?<prefix>\+|%2[Bb])(?<digits>\d{6,15})|(?<=^|[\s/=""'(\[,<{])(?<prefix>)(?<digits>\d{10,15}))(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Numbers();
}
