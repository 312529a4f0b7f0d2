using PhoneNumbers;

namespace ChurnActors;

/// <summary>Normalizes phone numbers to E.164 with libphonenumber.</summary>
public static class MsisdnNormalizer
{
    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// The E.164 form of <paramref name="text"/>, which must be international: <c>+44…</c>,
    /// <c>0044…</c> or the bare digits with country code, as probes usually give them.
    /// </summary>
    public static bool TryNormalize(string? text, out string e164)
    {
        e164 = "";
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32)
        {
            return false;
        }

        var candidate = text.Trim();
        if (candidate.StartsWith("00", StringComparison.Ordinal))
        {
            candidate = "+" + candidate[2..];
        }
        else if (!candidate.StartsWith('+'))
        {
            candidate = "+" + candidate;
        }

        try
        {
            var number = Numbers.Parse(candidate, null);
            if (!Numbers.IsPossibleNumber(number))
            {
                return false;
            }

            e164 = Numbers.Format(number, PhoneNumberFormat.E164);
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }
}
