using System.Collections.Concurrent;
using ChurnActors.Adapters.Memory;
using ChurnActors.Grains;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Cells;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Grains.Subscribers;
using ChurnActors.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;

namespace ChurnActors.Tests.Grains;

/// <summary>
/// Three silos in this process (Orleans' TestingHost) running the project's grains, with a grain
/// store and a dialer outside any one silo, as DynamoDB and Connect are: placement, dispatch and the
/// loss of a silo at the level of grains, beside the process-level tests of the whole system.
/// </summary>
public sealed class GrainCluster : IAsyncLifetime
{
    public const int Silos = 3;

    public TestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>Every call the cluster's dispatcher asked for, by engagement id (Connect's ClientToken).</summary>
    public static ConcurrentDictionary<string, int> Dialled => ClusterDialer.Requests;

    /// <summary>The dispatcher refuses the next <paramref name="times"/> offers for <paramref name="msisdn"/>, as a dispatcher on a lost silo does.</summary>
    public static void RefuseOffers(string msisdn, int times) => RefusingDispatcher.Left[msisdn] = times;

    /// <summary>How many refusals asked for by <see cref="RefuseOffers"/> are still to be made.</summary>
    public static int RefusalsLeft(string msisdn) => RefusingDispatcher.Left.GetValueOrDefault(msisdn);

    public async Task InitializeAsync()
    {
        var builder = new TestClusterBuilder(Silos);
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                // Any hour is a calling hour, so every engagement is dialled at once.
                ["Churn:ContactPolicy:CallingHours:Start"] = "00:00",
                ["Churn:ContactPolicy:CallingHours:End"] = "1.00:00",

                // Calls stay in flight until answered: room for every test's calls at once.
                ["Churn:Dialer:Connect:RequestsPerSecond"] = "50",
                ["Churn:Dialer:Connect:Burst"] = "50",
                ["Churn:Dialer:Connect:MaxConcurrentCalls"] = "1000",
            }).Build();

            foreach (var name in new[] { SubscriberGrain.StorageName, CellGrain.StorageName, ArchiverGrain.StorageName, DispatchGrain.StorageName })
            {
                silo.Services.AddGrainStorage(name, (_, _) => SharedStore.Instance);
            }

            silo.AddMemoryGrainStorage("PubSubStore");
            silo.AddMemoryStreams(RecordStreams.ProviderName);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton<IOutboundDialer, ClusterDialer>();
            silo.Services.AddSingleton<IArchiveSink, DiscardingSink>();
            silo.Services.AddChurnGrains(configuration);
            silo.AddIncomingGrainCallFilter<RefusingDispatcher>();
        }
    }

    /// <summary>Fails the dispatcher's offers for the numbers <see cref="RefuseOffers"/> names, before the dispatcher sees them.</summary>
    private sealed class RefusingDispatcher : IIncomingGrainCallFilter
    {
        public static readonly ConcurrentDictionary<string, int> Left = new(StringComparer.Ordinal);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name == nameof(IDispatchGrain.OfferAsync)
                && context.Request.GetArgument(0) is DialRequest offer
                && Left.TryGetValue(offer.Msisdn, out var left)
                && left > 0
                && Left.TryUpdate(offer.Msisdn, left - 1, left))
            {
                throw new InvalidOperationException("The dispatcher refused this offer (test).");
            }

            return context.Invoke();
        }
    }

    /// <summary>One grain store for every silo of the process: it outlives any silo, as a table does.</summary>
    private static class SharedStore
    {
        public static readonly IGrainStorage Instance = Create();

        private static IGrainStorage Create()
        {
            var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
            return ActivatorUtilities.CreateInstance<ProcessMemoryGrainStorage>(services);
        }
    }

    /// <summary>Places every call at once, one contact per ClientToken, as Connect does.</summary>
    private sealed class ClusterDialer : IOutboundDialer
    {
        public static readonly ConcurrentDictionary<string, int> Requests = new(StringComparer.Ordinal);

        public string DispatcherKey => "grain-cluster";

        public Task<DialResult> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken)
        {
            Requests.AddOrUpdate(request.EngagementId, 1, (_, count) => count + 1);
            return Task.FromResult(DialResult.Placed("contact-" + request.EngagementId));
        }
    }

    private sealed class DiscardingSink : IArchiveSink
    {
        public Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainCluster>
{
    public const string Name = "grain cluster";
}
