using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChurnActors.Gateway;

/// <summary>Ready when the cluster answers a grain call.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IStatsGrain>(IStatsGrain.Key).GetAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return HealthCheckResult.Healthy("the cluster answers");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("the cluster does not answer", exception);
        }
    }
}
