using System.Net;
using ChurnActors.Gateway.Access;

namespace ChurnActors.Tests.Gateway.Access;

public sealed class AccessOptionsTests
{
    private static readonly AccessOptions Configured = new() { User = "operator", Password = "a-long-enough-password" };

    [Theory]
    [InlineData("operator", "a-long-enough-password", true)]
    [InlineData("operator", "a-long-enough-passwore", false)]
    [InlineData("Operator", "a-long-enough-password", false)]
    [InlineData("", "", false)]
    public void Only_the_configured_user_and_password_are_accepted(string user, string password, bool accepted)
    {
        Assert.Equal(accepted, Configured.Accepts(user, password));
    }

    [Fact]
    public void Without_a_password_nothing_is_accepted()
    {
        Assert.False(new AccessOptions { OpenOnLoopback = true }.Accepts("operator", ""));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("10.0.0.7", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("2001:db8::1", false)]
    public void Loopback_callers_are_let_in_only_when_loopback_is_open(string address, bool loopback)
    {
        var caller = IPAddress.Parse(address);
        Assert.Equal(loopback, new AccessOptions { OpenOnLoopback = true }.LetsIn(caller));
        Assert.False(new AccessOptions { OpenOnLoopback = false }.LetsIn(caller));
        Assert.False(new AccessOptions { OpenOnLoopback = true }.LetsIn(null));
    }

    [Fact]
    public void The_password_never_shows_in_the_options_text()
    {
        Assert.DoesNotContain("a-long-enough-password", Configured.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("a-long-enough-password", new ChurnActors.Gateway.GatewayOptions { Access = Configured }.ToString(), StringComparison.Ordinal);
    }
}
