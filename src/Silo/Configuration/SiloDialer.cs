using ChurnActors.Adapters.Connect;
using ChurnActors.Silo.Simulation;

namespace ChurnActors.Silo.Configuration;

/// <summary><c>Churn:Dialer:Provider</c>: calls placed by the simulated subscribers (the embedded default) or Amazon Connect.</summary>
public static class SiloDialer
{
    public const string Section = "Churn:Dialer";

    public static IServiceCollection AddChurnDialer(this IServiceCollection services, IConfiguration configuration) =>
        ProviderChoice<DialerProvider>.Of(configuration, Section) switch
        {
            DialerProvider.Connect => services.AddConnectDialer(configuration),
            _ => services.AddSimulatedDialer(),
        };
}
