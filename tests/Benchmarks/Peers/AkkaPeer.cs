using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Subscribers;

namespace ChurnActors.Benchmarks.Peers;

/// <summary>
/// The peer a user would pick instead: the same per-subscriber logic — the project's own
/// <see cref="SubscriberProfile"/>, its windows, thresholds, contact policy and event-id memory —
/// in Akka.NET cluster-sharded actors, one entity per msisdn, on a one-node cluster in this process.
/// Producers read each event with the same strict reader and tell it to its subscriber's entity;
/// state stays in memory, as the system's embedded default keeps it.
/// </summary>
public sealed class AkkaPeer : IAsyncDisposable
{
    private readonly ActorSystem _system;
    private readonly IActorRef _region;
    private readonly Totals _totals;

    private AkkaPeer(ActorSystem system, IActorRef region, Totals totals)
    {
        _system = system;
        _region = region;
        _totals = totals;
    }

    public long Processed => Interlocked.Read(ref _totals.Processed);

    public static async Task<AkkaPeer> StartAsync(DetectionOptions detection, ContactPolicyOptions policy, SentimentOptions sentiment)
    {
        var config = ConfigurationFactory.ParseString("""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
              cluster {
                min-nr-of-members = 1
                sharding { state-store-mode = ddata, remember-entities = off }
              }
            }
            """);
        var system = ActorSystem.Create("churn-bench", config);
        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(up.SetResult);
        cluster.Join(cluster.SelfAddress);
        await up.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var totals = new Totals();
        var region = await ClusterSharding.Get(system).StartAsync(
            "subscriber",
            msisdn => Props.Create(() => new SubscriberEntity(msisdn, detection, policy, sentiment, totals)),
            ClusterShardingSettings.Create(system),
            new MsisdnExtractor(200));
        return new AkkaPeer(system, region, totals);
    }

    public void Send(ProbeEvent probe) => _region.Tell(probe);

    /// <summary>Waits until every event told so far has been taken by its entity.</summary>
    public async Task DrainAsync(long sent)
    {
        while (Processed < sent)
        {
            await Task.Delay(5);
        }
    }

    public DecisionSummary Summary() =>
        DecisionSummary.Of(Interlocked.Read(ref _totals.Counted), Interlocked.Read(ref _totals.Duplicates), Interlocked.Read(ref _totals.Incidents), _totals.Engaged);

    public async ValueTask DisposeAsync() => await _system.Terminate();

    private sealed class Totals
    {
        public long Processed;
        public long Counted;
        public long Duplicates;
        public long Incidents;

        public ConcurrentQueue<string> Engaged { get; } = new();
    }

    private sealed class MsisdnExtractor(int shards) : HashCodeMessageExtractor(shards)
    {
        public override string? EntityId(object message) => (message as ProbeEvent)?.Msisdn;
    }

    private sealed class SubscriberEntity : ReceiveActor
    {
        public SubscriberEntity(string msisdn, DetectionOptions detection, ContactPolicyOptions policy, SentimentOptions sentiment, Totals totals)
        {
            var profile = new SubscriberProfile(new SubscriberState(), detection, new ContactPolicy(policy), new SentimentRule(sentiment));
            Receive<ProbeEvent>(probe =>
            {
                var now = DateTimeOffset.UtcNow;
                profile.EnsureCreated(msisdn, now);
                var effects = new ProfileEffects();
                switch (profile.Record(probe, now, effects))
                {
                    case EventOutcome.Duplicate:
                        Interlocked.Increment(ref totals.Duplicates);
                        break;
                    case EventOutcome.Incident:
                        Interlocked.Increment(ref totals.Incidents);
                        Interlocked.Increment(ref totals.Counted);
                        break;
                    case EventOutcome.Counted:
                        Interlocked.Increment(ref totals.Counted);
                        break;
                }

                foreach (var offer in effects.Offers)
                {
                    totals.Engaged.Enqueue($"{offer.Msisdn}:{offer.Type.ToWire()}");
                }

                Interlocked.Increment(ref totals.Processed);
            });
        }
    }
}
