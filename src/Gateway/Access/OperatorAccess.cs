using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace ChurnActors.Gateway.Access;

/// <summary>The one access policy of the page, the dashboard and the API: the operator, or a loopback caller where that is open.</summary>
public static class OperatorAccess
{
    public const string Scheme = "Operator";
    public const string Policy = "Operator";

    public static IServiceCollection AddOperatorAccess(this IServiceCollection services)
    {
        // The core services only: no cookies or tokens are issued, so no data-protection keys are made or stored.
        services.AddAuthenticationCore(options => options.DefaultScheme = Scheme);
        services.AddWebEncoders();
        new AuthenticationBuilder(services).AddScheme<AuthenticationSchemeOptions, OperatorAuthentication>(Scheme, null);

        // Everything, the page's files included, needs the operator unless it says otherwise (health, and
        // the feedback with its own HMAC): a new endpoint is closed by default.
        var operatorOnly = new AuthorizationPolicyBuilder(Scheme).RequireAuthenticatedUser().Build();
        services.AddAuthorizationBuilder()
            .AddPolicy(Policy, operatorOnly)
            .SetFallbackPolicy(operatorOnly);
        return services;
    }
}
