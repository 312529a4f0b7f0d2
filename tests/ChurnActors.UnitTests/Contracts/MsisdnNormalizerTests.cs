namespace ChurnActors.UnitTests.Contracts;

public sealed class MsisdnNormalizerTests
{
    [Theory]
    [InlineData("447700900123", "+447700900123")]
    [InlineData("+447700900123", "+447700900123")]
    [InlineData("00447700900123", "+447700900123")]
    [InlineData(" +44 7700 900123 ", "+447700900123")]
    [InlineData("+44 (0)7700 900123", "+447700900123")]
    [InlineData("81312345678", "+81312345678")]
    [InlineData("+1 212-555-1234", "+12125551234")]
    [InlineData("+1 (212) 555.1234", "+12125551234")]
    [InlineData("0044 7700 900123", "+447700900123")]
    public void Normalizes_international_numbers_to_e164(string text, string e164)
    {
        Assert.True(MsisdnNormalizer.TryNormalize(text, out var normalized));
        Assert.Equal(e164, normalized);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("abc")]
    [InlineData("12")]
    [InlineData("07700900123")]
    [InlineData("+4477009001234567890")]
    [InlineData("+44770090012345678901234567890123")]
    public void Refuses_what_is_not_an_international_phone_number(string? text)
    {
        Assert.False(MsisdnNormalizer.TryNormalize(text, out var normalized));
        Assert.Equal("", normalized);
    }

    [Theory]
    [InlineData("++447400920001", "may have a + only as its first character")]
    [InlineData("+44+7400920001", "may have a + only as its first character")]
    [InlineData("+-447400920001", "may have a space, dash or dot only after a digit")]
    [InlineData("+44 7700  900123", "may have a space, dash or dot only after a digit")]
    [InlineData("+447400930001 x5", "has letters")]
    [InlineData("+447400930001ext5", "has letters")]
    [InlineData("+４４7400920001", "has the character U+FF14")]
    [InlineData("+٤٤7400920001", "has the character U+0664")]
    [InlineData("\u200f+447400920001", "has the character U+200F")]
    [InlineData("+44\t7700900123", "has the character U+0009")]
    [InlineData("(44) 7700 900123", "parentheses")]
    [InlineData("+44 ((0)) 7700 900123", "parentheses")]
    [InlineData("+44 (0 7700 900123", "unclosed parenthesis")]
    [InlineData("+44 7700 900123.", "must end with a digit")]
    [InlineData("+4", "has 1 digits")]
    [InlineData("+9991234567", "does not start with a known country code")]
    public void Refuses_every_spelling_beyond_digits_and_common_separators_with_the_reason(string text, string reasonPart)
    {
        Assert.False(MsisdnNormalizer.TryNormalize(System.Text.RegularExpressions.Regex.Unescape(text), out var normalized, out var reason));
        Assert.Equal("", normalized);
        Assert.Contains(reasonPart, reason, StringComparison.Ordinal);
    }
}
