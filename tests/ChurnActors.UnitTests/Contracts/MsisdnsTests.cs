namespace ChurnActors.UnitTests.Contracts;

public sealed class MsisdnsTests
{
    [Theory]
    [InlineData("+447700900123", "+44********23")]
    [InlineData("+12125551234", "+12*******34")]
    [InlineData("+123456", "+12**56")]
    public void Mask_hides_the_middle_digits(string msisdn, string masked)
    {
        Assert.Equal(masked, Msisdns.Mask(msisdn));
        Assert.Equal(msisdn.Length, Msisdns.Mask(msisdn).Length);
    }

    [Fact]
    public void Mask_does_not_show_the_subscriber_number()
    {
        Assert.DoesNotContain("7700900", Msisdns.Mask("+447700900123"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("+4412", "*****")]
    [InlineData("1", "*")]
    public void Mask_hides_a_short_value_entirely(string msisdn, string masked)
    {
        Assert.Equal(masked, Msisdns.Mask(msisdn));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Mask_of_nothing_says_so(string? msisdn)
    {
        Assert.Equal("(none)", Msisdns.Mask(msisdn));
    }
}
