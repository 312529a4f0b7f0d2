using System.Security.Cryptography;
using ChurnActors.Configuration;
using ChurnActors.Gateway;
using ChurnActors.Gateway.Access;
using ChurnActors.Gateway.Logging;
using ChurnActors.Gateway.Telemetry;
using ChurnActors.Grains;
using ChurnActors.Silo.Configuration;
using ChurnActors.Silo.Health;
using ChurnActors.Silo.Simulation;
using Orleans.Dashboard;

namespace ChurnActors.Silo;

/// <summary>
/// The silo process: the Orleans silo, its providers chosen by configuration, and — in the same
/// process — the gateway HTTP API and, in the embedded default, the simulator.
/// </summary>
public static class ChurnSiloHost
{
    public const string PubSubStorageName = "PubSubStore";
    public const string DashboardPath = "/dashboard";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSafeLogging();
        configure?.Invoke(builder);
        var configuration = builder.Configuration;

        // Each module reads and validates its own section; a bad value stops the build naming its key.
        var clustering = ValidatedOptions.Load<ClusteringOptions>(configuration, ClusteringOptions.Section);
        ApplyEmbeddedDefaults(configuration, clustering);
        builder.Services.AddSingleton(clustering);

        var tracing = TelemetryHosting.TracingEnabled(configuration);
        builder.UseOrleans(silo =>
        {
            silo
                .UseChurnClustering(clustering)
                .AddChurnGrainStorage(configuration, clustering)
                .AddMemoryGrainStorage(PubSubStorageName) // only explicit stream subscriptions live here; the streams use implicit ones
                .AddChurnStreams(configuration, clustering)
                .AddDashboard(); // its profiler records, and its metrics are collected, only while someone watches (DashboardMetrics)

            // Grain calls carry the caller's trace only when traces are kept: otherwise the filters would cost every call for nothing.
            if (tracing)
            {
                silo.AddActivityPropagation();
            }
        });

        builder.Services
            .AddChurnGrains(configuration)
            .AddChurnArchive(configuration)
            .AddChurnSimulator(configuration)
            .AddChurnDialer(configuration)
            .AddChurnGateway(configuration)
            .AddChurnTelemetry(configuration, "churn-silo")
            .AddDashboardMetrics()
            .AddSettingsReport();

        var app = builder.Build();
        app.MapChurnGateway();
        app.MapOrleansDashboard(DashboardPath).RequireAuthorization(OperatorAccess.Policy);
        return app;
    }

    /// <summary>
    /// On one loopback silo (the embedded default) the gateway and the simulated subscribers share the
    /// process, so an unset feedback secret is made up for the run, and the page, the dashboard and the
    /// API are open to callers on this machine. Anywhere else both must be configured.
    /// </summary>
    private static void ApplyEmbeddedDefaults(IConfiguration configuration, ClusteringOptions clustering)
    {
        if (clustering.Provider != ClusteringProvider.Localhost)
        {
            return;
        }

        const string secret = GatewayOptions.Section + ":FeedbackSecret";
        if (string.IsNullOrEmpty(configuration[secret]))
        {
            configuration[secret] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        }

        const string openOnLoopback = GatewayOptions.Section + ":Access:" + nameof(AccessOptions.OpenOnLoopback);
        if (string.IsNullOrEmpty(configuration[openOnLoopback]))
        {
            configuration[openOnLoopback] = "true";
        }
    }
}
