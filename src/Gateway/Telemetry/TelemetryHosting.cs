using System.Net;
using System.Net.Sockets;
using ChurnActors.Configuration;
using ChurnActors.Gateway.Access;
using ChurnActors.Telemetry;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ChurnActors.Gateway.Telemetry;

/// <summary>
/// OpenTelemetry for a silo or a gateway process: the project's meter, Orleans', ASP.NET Core's,
/// HttpClient's and the runtime's, served to Prometheus at <c>/metrics</c> and sent over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; traces (the project's spans, Orleans' grain calls,
/// HTTP in and out) when OTLP is set or <c>Churn:Telemetry:Tracing</c> is on; logs that carry the
/// trace and span ids.
/// </summary>
public static class TelemetryHosting
{
    public const string MetricsPath = "/metrics";
    public const string ScraperPolicy = "MetricsScraper";
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The Orleans activity sources whose spans join the project's.</summary>
    private static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Traces are recorded: an OTLP endpoint is set, or <c>Churn:Telemetry:Tracing</c> is on.</summary>
    public static bool TracingEnabled(IConfiguration configuration) =>
        !string.IsNullOrEmpty(configuration[OtlpEndpointKey])
        || ValidatedOptions.Load<TelemetryOptions>(configuration, TelemetryOptions.Section).Tracing;

    public static IServiceCollection AddChurnTelemetry(this IServiceCollection services, IConfiguration configuration, string serviceName)
    {
        var options = ValidatedOptions.Load<TelemetryOptions>(configuration, TelemetryOptions.Section);
        services.TryAddSingleton(options);
        var otlp = !string.IsNullOrEmpty(configuration[OtlpEndpointKey]);
        services.AddMetrics();
        services.TryAddSingleton<ChurnMetrics>();

        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService(serviceName));
        telemetry.WithMetrics(metrics =>
        {
            metrics
                .AddMeter(ChurnMetrics.MeterName, "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter();
            if (otlp)
            {
                metrics.AddOtlpExporter();
            }
        });

        if (TracingEnabled(configuration))
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                    .AddSource(ChurnMetrics.MeterName)
                    .AddSource(OrleansSources)
                    // The route, not the path: a subscriber's path holds its number.
                    .AddAspNetCoreInstrumentation(aspNet => aspNet.EnrichWithHttpRequest = (activity, request) =>
                    {
                        if (request.HttpContext.GetEndpoint() is RouteEndpoint endpoint)
                        {
                            activity.SetTag("url.path", endpoint.RoutePattern.RawText);
                        }
                    })
                    .AddHttpClientInstrumentation()
                    .AddProcessor(new SpanRedaction());
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        // Every log line written inside a span carries its trace and span ids (as a scope: the JSON
        // console writes scopes when Logging:Console:FormatterOptions:IncludeScopes is on).
        services.Configure<LoggerFactoryOptions>(logging => logging.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);

        services.AddAuthorizationBuilder().AddPolicy(ScraperPolicy, policy => policy
            .AddAuthenticationSchemes(OperatorAccess.Scheme)
            .AddRequirements(new ScraperRequirement(options.MetricsOpenTo)));
        services.AddSingleton<IAuthorizationHandler, ScraperHandler>();
        return services;
    }

    /// <summary>Serves <c>/metrics</c> to the operator, or to a scraper on the networks <c>Churn:Telemetry:MetricsOpenTo</c> allows.</summary>
    public static WebApplication MapChurnMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(ScraperPolicy);
        return app;
    }

    /// <summary>True when <paramref name="caller"/> is on a network <paramref name="openTo"/> lets scrape without credentials.</summary>
    public static bool LetsScrape(MetricsOpenTo openTo, IPAddress? caller)
    {
        if (openTo == MetricsOpenTo.None || caller is null)
        {
            return false;
        }

        var address = caller.IsIPv4MappedToIPv6 ? caller.MapToIPv4() : caller;
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        if (openTo != MetricsOpenTo.PrivateNetwork)
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return (address.GetAddressBytes()[0] & 0xFE) == 0xFC;
        }

        var bytes = address.GetAddressBytes();
        return bytes[0] == 10 || (bytes[0] == 172 && (bytes[1] & 0xF0) == 16) || (bytes[0] == 192 && bytes[1] == 168);
    }

    private sealed record ScraperRequirement(MetricsOpenTo OpenTo) : IAuthorizationRequirement;

    /// <summary>Lets in the operator (or a loopback caller where the API is open to it), or a caller on an allowed network.</summary>
    private sealed class ScraperHandler : AuthorizationHandler<ScraperRequirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScraperRequirement requirement)
        {
            var caller = (context.Resource as HttpContext)?.Connection.RemoteIpAddress;
            if (context.User.Identity?.IsAuthenticated == true || LetsScrape(requirement.OpenTo, caller))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
