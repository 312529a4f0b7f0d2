using ChurnActors.Configuration;
using ChurnActors.Gateway.Access;
using ChurnActors.Gateway.Apis;
using ChurnActors.Gateway.Live;
using ChurnActors.Gateway.OpsPage;
using ChurnActors.Gateway.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace ChurnActors.Gateway;

/// <summary>The gateway's services and endpoints, the same whether it shares the silo's process or runs as an Orleans client.</summary>
public static class GatewayHosting
{

    public static IServiceCollection AddChurnGateway(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<GatewayOptions>(configuration, GatewayOptions.Section);
        services.AddSingleton<ReplayGuard>();
        services.AddFrameworkProblems();
        services.AddOpenApi("v1");
        services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [HealthTags.Ready]);

        services.AddSingleton<ILiveSource, GrainLiveSource>();
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveFeed>());

        services.AddOperatorAccess();
        return services;
    }

    public static WebApplication MapChurnGateway(this WebApplication app)
    {
        // A request's own fault (a parameter that does not bind) is answered, not logged as the server's error.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOpsPage();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) }).AllowAnonymous();

        var api = app.MapGroup("/api/v1");
        api.MapProbeEventsApi();
        api.MapFeedbackApi();
        api.MapSubscribersApi();
        api.MapCellsApi();
        api.MapStatsApi();
        api.MapLiveApi();
        app.MapChurnMetrics();
        return app;
    }
}
