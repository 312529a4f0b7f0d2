using ChurnActors.Configuration;
using Orleans.Configuration;
using StackExchange.Redis;

namespace ChurnActors.Gateway;

/// <summary>How the gateway, as an Orleans client, finds the silos: on loopback, or through the same Redis membership.</summary>
public static class GatewayClustering
{
    public static IClientBuilder UseChurnClustering(this IClientBuilder client, ClusteringOptions clustering)
    {
        if (clustering.Provider == ClusteringProvider.Localhost)
        {
            return client.UseLocalhostClustering(clustering.GatewayPort, clustering.ServiceId, clustering.ClusterId);
        }

        client.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = clustering.ClusterId;
            options.ServiceId = clustering.ServiceId;
        });
        return client.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(clustering.Redis.ConnectionString!));
    }
}
