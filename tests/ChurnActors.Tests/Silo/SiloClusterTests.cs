using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace ChurnActors.Tests.Silo;

/// <summary>Three silos on Redis membership are one system: grains spread, one dispatcher, cluster-wide cells and counters.</summary>
[Collection(RedisCollection.Name)]
public sealed class SiloClusterTests(RedisServer redis)
{
    [Fact]
    public async Task Three_silos_on_redis_membership_serve_one_system()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Churn:Clustering:Provider"] = "Redis",
            ["Churn:Clustering:Redis:ConnectionString"] = redis.ConnectionString,
            ["Churn:Clustering:ClusterId"] = "churn-cluster-" + Guid.NewGuid().ToString("N")[..8],
            ["Churn:Gateway:Access:OpenOnLoopback"] = "true",
        };
        await using var first = await TestSilo.StartAsync(settings);
        await using var second = await TestSilo.StartAsync(settings);
        await using var third = await TestSilo.StartAsync(settings);
        var silos = new[] { first, second, third };
        var management = first.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await ChurnHost.EventuallyAsync(async () => (await management.GetHosts(onlyActive: true)).Count, count => count == 3, "three active silos");

        var cell = "234-15-CLUSTER" + Guid.NewGuid().ToString("N")[..4];
        var subscribers = Enumerable.Range(0, 30).Select(_ => Probe.NewMsisdn()).ToArray();
        await first.Http.PostAsJsonAsync("/api/v1/probe-events", subscribers.SelectMany(m => Probe.BadExperience(m, cell)).ToArray());

        // Every silo serves every subscriber, whichever silo holds it; every call is answered.
        foreach (var (msisdn, i) in subscribers.Select((m, i) => (m, i)))
        {
            var view = await ChurnHost.EventuallyAsync(
                () => silos[i % 3].Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web),
                v => v!.Feedback.Count == 1,
                "the answer",
                TimeSpan.FromSeconds(60));
            Assert.Equal(8, view!.Sentiment);
        }

        var statistics = await management.GetSimpleGrainStatistics();
        var subscriberSilos = statistics.Where(s => s.GrainType.Contains("SubscriberGrain", StringComparison.Ordinal) && s.ActivationCount > 0).Select(s => s.SiloAddress).Distinct().Count();
        var dispatchers = statistics.Where(s => s.GrainType.Contains("ConnectDispatchGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        Assert.True(subscriberSilos >= 2, $"subscribers live on {subscriberSilos} silo(s)");
        Assert.Equal(1, dispatchers);

        // Counters and cells are the cluster's, whichever silo is asked.
        var stats = await ChurnHost.EventuallyAsync(
            async () => (await third.Http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web))!,
            s => s.FeedbackReceived >= subscribers.Length,
            "the cluster's counters");
        Assert.True(stats.EventsAccepted >= subscribers.Length * 6);
        var detail = await ChurnHost.EventuallyAsync(
            async () => (await second.Http.GetFromJsonAsync<CellDetail>($"/api/v1/cells/{cell}", JsonSerializerOptions.Web))!,
            d => d.Summary.Feedback == subscribers.Length,
            "the cell's answers");
        Assert.Equal(subscribers.Length, detail.Summary.Subscribers);
        Assert.Equal(-2 * subscribers.Length, detail.Summary.ChangeSentiment);

        // The gateway as its own process finds the silos through the same membership.
        await using var gateway = ChurnActors.Gateway.GatewayHost.Build([], builder => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Churn:Gateway:FeedbackSecret"] = ChurnHost.FeedbackSecret,
            ["Logging:LogLevel:Default"] = "Warning",
        }));
        await gateway.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        var throughGateway = await http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(subscribers[0])}", JsonSerializerOptions.Web);
        Assert.Equal(8, throughGateway!.Sentiment);
        await gateway.StopAsync();
    }

    [Fact]
    public async Task On_ecs_a_silo_advertises_its_task_address_from_the_metadata_endpoint()
    {
        using var metadata = new System.Net.HttpListener();
        var port = ChurnHost.FreePort();
        metadata.Prefixes.Add($"http://127.0.0.1:{port}/v4/abc/");
        metadata.Start();
        var serving = Task.Run(async () =>
        {
            var context = await metadata.GetContextAsync();
            var body = context.Request.Url!.AbsolutePath.EndsWith("/task", StringComparison.Ordinal)
                ? """{"Cluster":"churn","Containers":[{"Name":"silo","Networks":[{"NetworkMode":"awsvpc","IPv4Addresses":["10.0.3.17"]}]}]}"""
                : "{}";
            await context.Response.OutputStream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(body));
            context.Response.Close();
        });

        var address = await ChurnActors.Silo.Configuration.SiloClustering.EcsTaskAddressAsync(new Uri($"http://127.0.0.1:{port}/v4/abc"));
        await serving;

        Assert.Equal(System.Net.IPAddress.Parse("10.0.3.17"), address);
    }
}
