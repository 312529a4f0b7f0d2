namespace ChurnActors.Gateway.Apis;

/// <summary><c>GET /api/v1/stats</c>: cluster-wide counters since start.</summary>
public static class StatsApi
{
    public static RouteGroupBuilder MapStatsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/stats", (IGrainFactory grains) => grains.GetGrain<IStatsGrain>(IStatsGrain.Key).GetAsync())
            .WithName("GetStats")
            .WithSummary("Cluster-wide counters since start (reported by each silo once a second)");
        return api;
    }
}
