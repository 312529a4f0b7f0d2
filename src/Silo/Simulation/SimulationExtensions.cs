using ChurnActors.Configuration;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Silo.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChurnActors.Silo.Simulation;

public static class SimulationExtensions
{
    /// <summary>
    /// <c>Churn:Simulator</c> (validated here): when enabled, simulated probe traffic from a simulated
    /// population. Its subscribers answer calls only when they are placed by <see cref="AddSimulatedDialer"/>.
    /// </summary>
    public static IServiceCollection AddChurnSimulator(this IServiceCollection services, IConfiguration configuration)
    {
        var simulator = ValidatedOptions.Load<SimulatorOptions>(configuration, SimulatorOptions.Section);
        services.AddValidatedOptions<SimulatorOptions>(configuration, SimulatorOptions.Section);
        if (simulator.Enabled)
        {
            services.AddHostedService<ProbeSimulator>();
        }

        return services;
    }

    /// <summary>
    /// Calls ring the simulator's subscribers (<see cref="AddChurnSimulator"/> configures them), who answer
    /// through the gateway's signed feedback path. A host that registered its own <see cref="IOutboundDialer"/> keeps it.
    /// </summary>
    public static IServiceCollection AddSimulatedDialer(this IServiceCollection services)
    {
        services.AddHttpClient(nameof(SimulatedDialer));
        services.TryAddSingleton<IOutboundDialer>(sp => ActivatorUtilities.CreateInstance<SimulatedDialer>(sp));
        return services;
    }
}
