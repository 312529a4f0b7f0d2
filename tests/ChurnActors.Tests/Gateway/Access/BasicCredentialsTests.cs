using System.Text;
using ChurnActors.Gateway.Access;

namespace ChurnActors.Tests.Gateway.Access;

public sealed class BasicCredentialsTests
{
    [Fact]
    public void Encoded_credentials_parse_back()
    {
        Assert.True(BasicCredentials.TryParse(BasicCredentials.Encode("operator", "pa:ss wörd"), out var user, out var password));
        Assert.Equal(("operator", "pa:ss wörd"), (user, password));
    }

    [Fact]
    public void The_scheme_is_case_insensitive()
    {
        Assert.True(BasicCredentials.TryParse("basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("a:b")), out var user, out var password));
        Assert.Equal(("a", "b"), (user, password));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic not-base64!")]
    [InlineData("Basic dXNlcm5hbWU=")] // "username": no colon
    [InlineData("Basic //79")] // not UTF-8
    public void Anything_else_is_not_credentials(string? header)
    {
        Assert.False(BasicCredentials.TryParse(header, out _, out _));
    }

    [Fact]
    public void An_oversized_header_is_not_read()
    {
        Assert.False(BasicCredentials.TryParse(BasicCredentials.Encode("operator", new string('x', 4096)), out _, out _));
    }
}
