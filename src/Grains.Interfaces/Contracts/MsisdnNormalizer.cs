using PhoneNumbers;

namespace ChurnActors;

/// <summary>
/// Normalizes phone numbers to E.164. Strict on the characters, lenient only on the layout a probe
/// or a BSS commonly emits: the number is international (<c>+44…</c>, <c>0044…</c> or the bare digits
/// with country code), its digits are ASCII, and between digit groups it may have single spaces,
/// dashes or dots and parenthesised digit groups (<c>+44 (0)7700 900123</c>). Anything else — a
/// second <c>+</c>, letters (extensions), other scripts' digits, control or direction marks — is
/// refused, so two spellings can never name two different subscribers. libphonenumber then checks
/// that the number is possible for its country and writes it in E.164.
/// </summary>
public static class MsisdnNormalizer
{
    /// <summary>E.164 allows at most 15 digits, country code included.</summary>
    public const int MaxDigits = 15;

    private const int MinDigits = 7;
    private const int MaxLength = 32;

    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();

    public static bool TryNormalize(string? text, out string e164) => TryNormalize(text, out e164, out _);

    /// <param name="reason">Why <paramref name="text"/> is refused, in words a sender can act on.</param>
    public static bool TryNormalize(string? text, out string e164, out string reason)
    {
        e164 = "";
        var candidate = text.AsSpan().Trim(' ');
        if (candidate.IsEmpty)
        {
            reason = "is empty";
            return false;
        }

        if (candidate.Length > MaxLength)
        {
            reason = $"is longer than {MaxLength} characters";
            return false;
        }

        if (!TryCheckLayout(candidate, out var digits, out reason))
        {
            return false;
        }

        string international;
        if (candidate[0] == '+')
        {
            international = candidate.ToString();
        }
        else if (candidate.StartsWith("00"))
        {
            // The international call prefix most of the world dials.
            international = "+" + candidate[2..].ToString();
            digits -= 2;
        }
        else
        {
            international = "+" + candidate.ToString();
        }

        if (digits is < MinDigits or > MaxDigits)
        {
            reason = $"has {digits} digits; an international number has {MinDigits} to {MaxDigits}, country code first";
            return false;
        }

        try
        {
            var number = Numbers.Parse(international, null);
            if (!Numbers.IsPossibleNumber(number))
            {
                reason = "is not a possible number for its country code";
                return false;
            }

            e164 = Numbers.Format(number, PhoneNumberFormat.E164);
            reason = "";
            return true;
        }
        catch (NumberParseException)
        {
            reason = "does not start with a known country code";
            return false;
        }
    }

    /// <summary>ASCII digits, one leading <c>+</c>, single separators between digits, flat parenthesised digit groups.</summary>
    private static bool TryCheckLayout(ReadOnlySpan<char> text, out int digits, out string reason)
    {
        digits = 0;
        var inGroup = false;
        var groupDigits = 0;
        var previous = '\0';
        for (var index = 0; index < text.Length; index++)
        {
            var c = text[index];
            switch (c)
            {
                case >= '0' and <= '9':
                    digits++;
                    groupDigits++;
                    break;
                case '+' when index == 0:
                    break;
                case '+':
                    reason = "may have a + only as its first character";
                    return false;
                case '(' when !inGroup && previous is not ('\0' or '(' or ')'):
                    inGroup = true;
                    groupDigits = 0;
                    break;
                case ')' when inGroup && groupDigits > 0 && previous is >= '0' and <= '9':
                    inGroup = false;
                    break;
                case '(' or ')':
                    reason = "has parentheses that do not enclose a group of digits";
                    return false;
                case ' ' or '-' or '.' when previous is >= '0' and <= '9' or ')':
                    break;
                case ' ' or '-' or '.':
                    reason = "may have a space, dash or dot only after a digit";
                    return false;
                default:
                    reason = char.IsAsciiLetter(c)
                        ? "has letters (an extension or a name); send the number alone"
                        : $"has the character U+{(int)c:X4}; only ASCII digits, a leading + and spaces, dashes, dots or parentheses between digits are allowed";
                    return false;
            }

            previous = c;
        }

        if (inGroup)
        {
            reason = "has an unclosed parenthesis";
            return false;
        }

        if (previous is not (>= '0' and <= '9'))
        {
            reason = "must end with a digit";
            return false;
        }

        reason = "";
        return true;
    }
}
