namespace ChurnActors.Tests.Contracts;

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
}
