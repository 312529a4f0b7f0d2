using ChurnActors.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChurnActors.Adapters.Aws;

/// <summary>
/// Ready only while a service the silo cannot work without answers a cheap request within 5 s (the
/// grain-state table, the lake bucket, a stream). Each module registers the check of its own service.
/// </summary>
public sealed class DependencyHealthCheck(string what, Func<CancellationToken, Task<string?>> probe) : IHealthCheck
{
    /// <summary>Registers a readiness check named <paramref name="name"/> over the probe <paramref name="create"/> makes.</summary>
    public static void Register(IServiceCollection services, string name, Func<IServiceProvider, DependencyHealthCheck> create) =>
        services.AddHealthChecks().Add(new HealthCheckRegistration(name, create, HealthStatus.Unhealthy, [HealthTags.Ready]));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return await probe(timeout.Token) is { } problem
                ? HealthCheckResult.Unhealthy($"{what} {problem}")
                : HealthCheckResult.Healthy($"{what} answers");
        }
        catch (Exception exception) when (exception is Amazon.Runtime.AmazonServiceException or HttpRequestException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{what} does not answer", exception);
        }
    }
}
