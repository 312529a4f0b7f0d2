using System.Net.Http.Json;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace ChurnActors.Tests.Silo;

/// <summary>The dispatcher's silo killed outright (SIGKILL) under a queue of calls: the queue is taken up elsewhere within seconds.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DispatcherFailoverTests(RedisServer redis, DynamoDbServer dynamo, ConnectStandIn connect, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_dispatchers_silo_places_calls_again_within_seconds_and_none_twice()
    {
        var instance = "instance-" + Guid.NewGuid().ToString("N")[..8];
        var clusterId = "churn-dispatch-" + Guid.NewGuid().ToString("N")[..8];
        var settings = new Dictionary<string, string?>(connect.DialerSettings(instance))
        {
            // Calls stay in flight until answered: room for all, so the queue is the request rate's (2 a second).
            ["Churn:Dialer:Connect:MaxConcurrentCalls"] = "100",
            ["Churn:Clustering:Provider"] = "Redis",
            ["Churn:Clustering:Redis:ConnectionString"] = redis.ConnectionString,
            ["Churn:Clustering:ClusterId"] = clusterId,
            ["Churn:Storage:Provider"] = "DynamoDb",
            ["Churn:Storage:DynamoDb:ServiceUrl"] = dynamo.Url.ToString(),
            ["Churn:Storage:DynamoDb:TableName"] = DynamoDbServer.NewTableName(),
            ["Churn:ContactPolicy:CallingHours:Start"] = "00:00",
            ["Churn:ContactPolicy:CallingHours:End"] = "1.00:00",

            // The silo signs its Connect requests with the default credential chain: here, its environment.
            ["AWS_ACCESS_KEY_ID"] = ConnectStandIn.Credentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = ConnectStandIn.Credentials.SecretAccessKey,
        };

        await ChurnProcess.WithSilosAsync(async silos =>
        {
            for (var i = 0; i < 3; i++)
            {
                silos.Add(await ChurnProcess.StartAsync(settings));
            }

            // An Orleans client of the same cluster, to see where the dispatcher lives.
            await using var observer = await TestGateway.StartAsync(new Dictionary<string, string?>
            {
                ["Churn:Clustering:Provider"] = "Redis",
                ["Churn:Clustering:Redis:ConnectionString"] = redis.ConnectionString,
                ["Churn:Clustering:ClusterId"] = clusterId,
                ["Churn:Gateway:Access:Password"] = "an-observer-password",
            });
            var management = observer.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
            await ChurnHost.EventuallyAsync(async () => (await management.GetHosts(onlyActive: true)).Count, count => count == 3, "three active silos", TimeSpan.FromSeconds(60));

            var subscribers = Enumerable.Range(0, 30).Select(_ => Probe.NewMsisdn()).ToArray();
            using var posted = await silos[0].Http.PostAsJsonAsync("/api/v1/probe-events", subscribers.SelectMany(m => Probe.BadExperience(m)).ToArray());
            posted.EnsureSuccessStatusCode();
            await ChurnHost.EventuallyAsync(() => connect.RequestsAsync(instance), r => r.Count >= 3, "the first calls", TimeSpan.FromSeconds(30));

            // Every subscriber has offered its engagement (its state is written before it offers), and the
            // dispatcher has written them (at most 2 s later): what this test holds the dispatcher to. An
            // offer younger than that at the kill is offered again by its subscriber's reminder instead.
            foreach (var msisdn in subscribers)
            {
                await ChurnHost.EventuallyAsync(
                    () => silos[0].Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", System.Text.Json.JsonSerializerOptions.Web),
                    v => v?.Engagements is [{ Status: "pending" or "dialing" or "placed" }],
                    "every engagement offered",
                    TimeSpan.FromSeconds(30));
            }

            await Task.Delay(TimeSpan.FromSeconds(3));

            var statistics = await management.GetSimpleGrainStatistics();
            var dispatcherAt = statistics.Single(s => s.GrainType.Contains("DispatchGrain", StringComparison.Ordinal) && s.ActivationCount > 0).SiloAddress;
            var lost = silos.Single(s => s.SiloPort == dispatcherAt.Endpoint.Port);
            var before = (await connect.RequestsAsync(instance)).Select(r => r.ClientToken).Distinct().Count();
            var killedAt = DateTimeOffset.UtcNow;
            await lost.KillAsync();

            var firstAgain = await ChurnHost.EventuallyAsync(
                () => connect.RequestsAsync(instance),
                r => r.Any(x => x.At > killedAt.ToUnixTimeMilliseconds()),
                "a call placed after the kill",
                TimeSpan.FromSeconds(60));
            var firstAgainAfter = DateTimeOffset.FromUnixTimeMilliseconds(firstAgain.First(x => x.At > killedAt.ToUnixTimeMilliseconds()).At) - killedAt;
            var all = await ChurnHost.EventuallyAsync(
                () => connect.RequestsAsync(instance),
                r => r.Select(x => x.ClientToken).Distinct().Count() == subscribers.Length,
                "every engagement requested",
                TimeSpan.FromSeconds(90));
            var allAfter = DateTimeOffset.FromUnixTimeMilliseconds(all.Max(x => x.At)) - killedAt;
            output.WriteLine(
                $"{before} of {subscribers.Length} engagements requested before the kill; the first call after it {firstAgainAfter.TotalSeconds:F1} s after, " +
                $"all {subscribers.Length} {allAfter.TotalSeconds:F1} s after ({all.Count} requests in all).");

            Assert.True(before < subscribers.Length, $"all {before} were requested before the kill: nothing was left for the new dispatcher to take up");
            Assert.True(firstAgainAfter <= TimeSpan.FromSeconds(15), $"the first call after the kill came {firstAgainAfter.TotalSeconds:F1} s after it");
            Assert.True(allAfter <= TimeSpan.FromSeconds(30), $"the last engagement was requested {allAfter.TotalSeconds:F1} s after the kill");
            Assert.All(all, r => Assert.True(r.SignatureValid));

            // However often an engagement was requested, Connect saw one ClientToken and made one contact.
            Assert.All(all.GroupBy(r => r.ClientToken), token => Assert.Single(token.Select(r => r.ContactId).Where(c => c is not null).Distinct()));
        });
    }
}
