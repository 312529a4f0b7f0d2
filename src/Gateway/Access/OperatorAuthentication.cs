using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace ChurnActors.Gateway.Access;

/// <summary>
/// Lets in loopback callers when the configuration opens loopback, and anyone presenting the operator's
/// HTTP Basic credentials; refuses everyone else with a problem+json 401 a browser answers with a login prompt.
/// </summary>
public sealed class OperatorAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> schemes,
    ILoggerFactory logging,
    UrlEncoder encoder,
    IOptions<GatewayOptions> gateway) : AuthenticationHandler<AuthenticationSchemeOptions>(schemes, logging, encoder)
{
    private const string Realm = "Basic realm=\"ChurnActors operations\", charset=\"UTF-8\"";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var access = gateway.Value.Access;
        if (access.LetsIn(Context.Connection.RemoteIpAddress))
        {
            return Task.FromResult(Success("loopback", "loopback"));
        }

        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // The failure messages go to the debug log: they never carry what was presented.
        if (!BasicCredentials.TryParse(header, out var user, out var password))
        {
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header is not HTTP Basic credentials."));
        }

        return Task.FromResult(access.Accepts(user, password)
            ? Success(access.User, "basic")
            : AuthenticateResult.Fail("The user or password is wrong."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var presented = Request.Headers.Authorization.Count > 0;
        Response.Headers.WWWAuthenticate = Realm;
        var problem = presented
            ? Problems.Of(
                StatusCodes.Status401Unauthorized,
                "bad-credentials",
                "Wrong credentials",
                "The user or password is wrong. Use the operator credentials configured as Churn:Gateway:Access:User and Churn:Gateway:Access:Password.")
            : Problems.Of(
                StatusCodes.Status401Unauthorized,
                "authentication-required",
                "Authentication required",
                "This gateway admits callers outside loopback only with the operator credentials: send HTTP Basic credentials (Churn:Gateway:Access:User and Churn:Gateway:Access:Password).");
        await problem.ExecuteAsync(Context);
    }

    private AuthenticateResult Success(string name, string method)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.AuthenticationMethod, method)], OperatorAccess.Scheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), OperatorAccess.Scheme));
    }
}
