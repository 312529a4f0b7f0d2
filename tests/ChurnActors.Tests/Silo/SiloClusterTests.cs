using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace ChurnActors.Tests.Silo;

/// <summary>Three silos on Redis membership are one system: grains spread, one dispatcher, cluster-wide cells and counters.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloClusterTests(RedisServer redis, DynamoDbServer dynamo, ConnectStandIn connect, Xunit.Abstractions.ITestOutputHelper output)
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
        var dispatchers = statistics.Where(s => s.GrainType.Contains("DispatchGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
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
        await using var gateway = await TestGateway.StartAsync(settings);
        var throughGateway = await gateway.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(subscribers[0])}", JsonSerializerOptions.Web);
        Assert.Equal(8, throughGateway!.Sentiment);
    }

    [Fact]
    public async Task Losing_the_silo_of_the_dispatcher_loses_no_engagement_and_dials_none_twice()
    {
        var instance = "instance-" + Guid.NewGuid().ToString("N")[..8];
        var settings = connect.DialerSettings(instance);
        settings["Churn:Dialer:Connect:MaxConcurrentCalls"] = "100";
        settings["Churn:Clustering:Provider"] = "Redis";
        settings["Churn:Clustering:Redis:ConnectionString"] = redis.ConnectionString;
        settings["Churn:Clustering:ClusterId"] = "churn-failover-" + Guid.NewGuid().ToString("N")[..8];
        settings["Churn:Gateway:Access:OpenOnLoopback"] = "true";
        settings["Churn:Storage:Provider"] = "DynamoDb";
        settings["Churn:Storage:DynamoDb:ServiceUrl"] = dynamo.Url.ToString();
        settings["Churn:Storage:DynamoDb:TableName"] = DynamoDbServer.NewTableName();
        void Credentials(IServiceCollection services) =>
            services.AddSingleton<ChurnActors.Adapters.Aws.IAwsCredentialSource>(new StaticCredentialSource(ConnectStandIn.Credentials));
        var silos = new List<TestSilo>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(await TestSilo.StartAsync(settings, Credentials));
            }

            var management = silos[0].Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            await ChurnHost.EventuallyAsync(async () => (await management.GetHosts(onlyActive: true)).Count, count => count == 3, "three active silos");

            // 20 engagements at 2 calls a second: most are still waiting when the dispatcher's silo is
            // stopped (gracefully; DispatcherFailoverTests kills one outright).
            var subscribers = Enumerable.Range(0, 20).Select(_ => Probe.NewMsisdn()).ToArray();
            await silos[0].Http.PostAsJsonAsync("/api/v1/probe-events", subscribers.SelectMany(m => Probe.BadExperience(m)).ToArray());
            await ChurnHost.EventuallyAsync(() => connect.RequestsAsync(instance), r => r.Count >= 3, "the first calls");
            var statistics = await management.GetSimpleGrainStatistics();
            var dispatcherSilo = statistics.Single(s => s.GrainType.Contains("DispatchGrain", StringComparison.Ordinal) && s.ActivationCount > 0).SiloAddress;
            var hosts = (await management.GetHosts(onlyActive: true)).Keys.ToList();
            var lost = silos.Single(s => s.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Equals(dispatcherSilo));
            var survivor = silos.First(s => s != lost);
            var stoppedAt = DateTime.UtcNow;
            await lost.DisposeAsync();
            silos.Remove(lost);

            // The new dispatcher takes the queue up from its state; the subscribers' outbox reminders (on
            // Redis, now on the surviving silos) would offer anything it had not written.
            var requests = await ChurnHost.EventuallyAsync(
                () => connect.RequestsAsync(instance),
                r => r.Select(x => x.ClientToken).Distinct().Count() == subscribers.Length,
                "every engagement to be requested from Connect",
                TimeSpan.FromMinutes(3));
            var recovered = DateTime.UtcNow - stoppedAt;

            Assert.Equal(3, hosts.Count);
            Assert.All(requests, r => Assert.True(r.SignatureValid));
            foreach (var msisdn in subscribers)
            {
                var view = await ChurnHost.EventuallyAsync(
                    () => survivor.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web),
                    v => v!.Engagements.Single().Status == "placed",
                    "the engagement to be placed",
                    TimeSpan.FromMinutes(2));
                var engagement = view!.Engagements.Single();

                // However often an engagement was requested, Connect saw one ClientToken and made one contact.
                Assert.Equal([engagement.ContactId], requests.Where(r => r.ClientToken == engagement.EngagementId && r.ContactId is not null).Select(r => r.ContactId).Distinct());
            }

            Assert.True(recovered < TimeSpan.FromMinutes(3), $"recovered in {recovered}");
            output.WriteLine($"All {subscribers.Length} engagements requested {recovered.TotalSeconds:F1} s after the dispatcher's silo stopped ({requests.Count} requests).");
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
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
