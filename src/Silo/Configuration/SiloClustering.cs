using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Configuration;
using Orleans.Configuration;
using StackExchange.Redis;

namespace ChurnActors.Silo.Configuration;

/// <summary>How this silo joins its cluster: one loopback silo, or membership and reminders on Redis.</summary>
public static class SiloClustering
{
    /// <summary>Set by ECS in every container of a task (metadata endpoint version 4).</summary>
    public const string EcsMetadataVariable = "ECS_CONTAINER_METADATA_URI_V4";

    public static ISiloBuilder UseChurnClustering(this ISiloBuilder silo, ClusteringOptions clustering)
    {
        if (clustering.Provider == ClusteringProvider.Localhost)
        {
            silo.UseLocalhostClustering(clustering.SiloPort, clustering.GatewayPort, null, clustering.ServiceId, clustering.ClusterId);
            silo.UseInMemoryReminderService();
            return silo;
        }

        var redis = ConfigurationOptions.Parse(clustering.Redis.ConnectionString!);
        silo.Configure<ClusterOptions>(options =>
        {
            options.ClusterId = clustering.ClusterId;
            options.ServiceId = clustering.ServiceId;
        });
        silo.UseRedisClustering(options => options.ConfigurationOptions = redis);

        // A silo killed outright is declared dead after three missed probes of 2 s (Orleans' default
        // is 5 s each): its grains, the dispatcher among them, start again elsewhere within seconds.
        silo.Configure<ClusterMembershipOptions>(options => options.ProbeTimeout = TimeSpan.FromSeconds(2));
        silo.UseRedisReminderService(options => options.ConfigurationOptions = redis);

        // Orleans must be told the address others reach this silo at; on ECS (awsvpc) that is the task's own.
        silo.ConfigureEndpoints(AdvertisedAddress(clustering), clustering.SiloPort, clustering.GatewayPort, listenOnAnyHostAddress: true);
        return silo;
    }

    /// <summary>The configured address, else the ECS task's (from the task metadata endpoint), else loopback.</summary>
    public static IPAddress AdvertisedAddress(ClusteringOptions clustering)
    {
        if (clustering.AdvertisedAddress is { Length: > 0 } configured)
        {
            return IPAddress.Parse(configured);
        }

        return Environment.GetEnvironmentVariable(EcsMetadataVariable) is { Length: > 0 } metadata
            ? EcsTaskAddressAsync(new Uri(metadata)).GetAwaiter().GetResult()
            : IPAddress.Loopback;
    }

    /// <summary>The first IPv4 address of the task's network (awsvpc), from <c>{metadata}/task</c>.</summary>
    public static async Task<IPAddress> EcsTaskAddressAsync(Uri metadata)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var task = await http.GetFromJsonAsync<JsonElement>(new Uri(metadata.ToString().TrimEnd('/') + "/task"));
        foreach (var container in task.GetProperty("Containers").EnumerateArray())
        {
            if (container.TryGetProperty("Networks", out var networks))
            {
                foreach (var network in networks.EnumerateArray())
                {
                    if (network.TryGetProperty("IPv4Addresses", out var addresses) && addresses.GetArrayLength() > 0)
                    {
                        return IPAddress.Parse(addresses[0].GetString()!);
                    }
                }
            }
        }

        throw new InvalidOperationException($"The ECS task metadata at {metadata} lists no IPv4 address; set Churn:Clustering:AdvertisedAddress.");
    }
}
