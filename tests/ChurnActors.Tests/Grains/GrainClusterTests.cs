using System.Collections.Immutable;
using ChurnActors.Tests.Silo;
using Orleans.Runtime;

namespace ChurnActors.Tests.Grains;

/// <summary>The grains on three in-process silos: where subscribers live, one dispatcher for all, and a lost silo.</summary>
[Collection(GrainClusterCollection.Name)]
public sealed class GrainClusterTests(GrainCluster grains, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Subscribers_spread_over_every_silo_and_one_dispatcher_dials_each_engagement_once()
    {
        var subscribers = Enumerable.Range(0, 30).Select(_ => Probe.NewMsisdn()).ToArray();

        var results = await Task.WhenAll(subscribers.Select(m => grains.Client.GetGrain<ISubscriberGrain>(m).RecordEventsAsync(BadExperience(m))));
        var engagements = await Task.WhenAll(subscribers.Select(PlacedEngagementAsync));

        Assert.All(results, r => Assert.True(r.Incidents >= 1, $"{r.Incidents} incidents"));
        var management = grains.Client.GetGrain<IManagementGrain>(0);
        var where = await Task.WhenAll(subscribers.Select(m => management.GetActivationAddress(grains.Client.GetGrain<ISubscriberGrain>(m)).AsTask()));
        Assert.Equal(GrainCluster.Silos, where.Distinct().Count());

        var statistics = await management.GetSimpleGrainStatistics();
        Assert.Equal(1, statistics.Where(s => s.GrainType.Contains("DispatchGrain", StringComparison.Ordinal)).Sum(s => s.ActivationCount));
        Assert.All(engagements, e => Assert.Equal(1, GrainCluster.Dialled[e.EngagementId]));
        Assert.All(engagements, e => Assert.Equal("contact-" + e.EngagementId, e.ContactId));
        output.WriteLine($"30 subscribers on {where.Distinct().Count()} silos ({string.Join(", ", where.GroupBy(s => s).Select(g => g.Count()))}), one dispatcher, each engagement dialled once.");
    }

    [Fact]
    public async Task An_offer_the_dispatcher_refuses_leaves_the_change_acknowledged_and_is_offered_again_until_taken()
    {
        var msisdn = Probe.NewMsisdn();
        GrainCluster.RefuseOffers(msisdn, 2);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // The events are taken and the engagement is durable although the dispatcher refused it.
        var result = await grains.Client.GetGrain<ISubscriberGrain>(msisdn).RecordEventsAsync(BadExperience(msisdn));
        Assert.True(result.Incidents >= 1, $"{result.Incidents} incidents");
        Assert.Equal(1, GrainCluster.RefusalsLeft(msisdn));

        // Offered again by the subscriber itself until the dispatcher takes it, and dialled once.
        var engagement = await PlacedEngagementAsync(msisdn);
        Assert.Equal(0, GrainCluster.RefusalsLeft(msisdn));
        Assert.Equal(1, GrainCluster.Dialled[engagement.EngagementId]);
        output.WriteLine($"Refused twice, placed {clock.Elapsed.TotalSeconds:F1} s after the events.");
    }

    [Fact]
    public async Task A_subscriber_whose_silo_is_lost_comes_back_elsewhere_with_its_profile_and_takes_its_answer()
    {
        var management = grains.Client.GetGrain<IManagementGrain>(0);
        var primary = grains.Cluster.Primary!.SiloAddress;

        // A subscriber that lives on a silo other than the primary (which holds the test cluster's membership).
        string msisdn;
        SiloAddress? lost;
        do
        {
            msisdn = Probe.NewMsisdn();
            await grains.Client.GetGrain<ISubscriberGrain>(msisdn).RecordEventsAsync(BadExperience(msisdn));
            lost = await management.GetActivationAddress(grains.Client.GetGrain<ISubscriberGrain>(msisdn));
        }
        while (lost is null || lost.Equals(primary));

        var engagement = await PlacedEngagementAsync(msisdn);
        var before = (await grains.Client.GetGrain<ISubscriberGrain>(msisdn).GetViewAsync())!;

        await grains.Cluster.KillSiloAsync(grains.Cluster.Silos.Single(s => s.SiloAddress.Equals(lost)));
        try
        {
            // Reactivated on a surviving silo from the store every silo shares: the same profile, the same engagement.
            var after = await ChurnHost.EventuallyAsync(
                async () =>
                {
                    try
                    {
                        return await grains.Client.GetGrain<ISubscriberGrain>(msisdn).GetViewAsync();
                    }
                    catch (Exception exception) when (exception is SiloUnavailableException or TimeoutException or OrleansMessageRejectionException)
                    {
                        return null;
                    }
                },
                view => view is not null,
                "the subscriber to answer again after its silo was lost",
                TimeSpan.FromMinutes(1));
            var now = await management.GetActivationAddress(grains.Client.GetGrain<ISubscriberGrain>(msisdn));

            Assert.NotEqual(lost, now);
            Assert.Equal(before.Types.Select(t => (t.Type, t.Sessions, t.Failures)), after!.Types.Select(t => (t.Type, t.Sessions, t.Failures)));
            Assert.Equal(engagement.EngagementId, Assert.Single(after.Engagements).EngagementId);
            Assert.Equal("placed", after.Engagements[0].Status);

            // The answer the hook reports now is taken once, on the new activation; its retry changes nothing.
            var answer = new FeedbackReport(engagement.ContactId!, engagement.EngagementId, msisdn, 4, DateTimeOffset.UtcNow);
            var taken = await grains.Client.GetGrain<ISubscriberGrain>(msisdn).RecordFeedbackAsync(answer);
            var again = await grains.Client.GetGrain<ISubscriberGrain>(msisdn).RecordFeedbackAsync(answer);

            Assert.Equal(FeedbackOutcome.Recorded, taken.Outcome);
            Assert.Equal(8, taken.SentimentAfter);
            Assert.Equal(FeedbackOutcome.AlreadyRecorded, again.Outcome);
            Assert.Equal(1, GrainCluster.Dialled[engagement.EngagementId]);
        }
        finally
        {
            // The next test finds three silos again.
            await grains.Cluster.StartAdditionalSiloAsync();
        }
    }

    private async Task<EngagementView> PlacedEngagementAsync(string msisdn)
    {
        var view = await ChurnHost.EventuallyAsync(
            () => grains.Client.GetGrain<ISubscriberGrain>(msisdn).GetViewAsync(),
            v => v?.Engagements is [{ Status: "placed" }],
            "the engagement to be placed");
        return view!.Engagements[0];
    }

    /// <summary>Three sessions fine, then three dropped calls in the window: one incident, past the threshold.</summary>
    private static ImmutableArray<ProbeEvent> BadExperience(string msisdn)
    {
        var now = DateTimeOffset.UtcNow;
        return [.. Enumerable.Range(0, 6).Select(i => new ProbeEvent($"{msisdn}-{i}", msisdn, IncidentType.CallDrop, Failed: i >= 3, now.AddSeconds(i - 10), "234-15-00GRAIN1", "35332510", "Ericsson"))];
    }
}
