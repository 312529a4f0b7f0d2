using ChurnActors.Configuration;
using ChurnActors.Gateway.Logging;
using ChurnActors.Gateway.Telemetry;

namespace ChurnActors.Gateway;

/// <summary>The gateway as its own process: an Orleans client of the silo cluster (how it runs on ECS).</summary>
public static class GatewayHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSafeLogging();
        configure?.Invoke(builder);
        var clustering = ValidatedOptions.Load<ClusteringOptions>(builder.Configuration, ClusteringOptions.Section);
        var tracing = TelemetryHosting.TracingEnabled(builder.Configuration);
        builder.UseOrleansClient(client =>
        {
            client.UseChurnClustering(clustering);
            if (tracing)
            {
                client.AddActivityPropagation();
            }
        });
        builder.Services.AddChurnGateway(builder.Configuration).AddChurnTelemetry(builder.Configuration, "churn-gateway");

        var app = builder.Build();
        app.MapChurnGateway();
        return app;
    }
}
