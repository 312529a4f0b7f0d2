using System.Security.Cryptography;
using Amazon.DynamoDBv2;
using Amazon.S3;
using ChurnActors.Adapters;
using ChurnActors.Adapters.Archive;
using ChurnActors.Adapters.Aws;
using ChurnActors.Adapters.Connect;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Adapters.Memory;
using ChurnActors.Adapters.Storage;
using ChurnActors.Configuration;
using ChurnActors.Gateway;
using ChurnActors.Gateway.Access;
using ChurnActors.Gateway.Logging;
using ChurnActors.Grains;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Cells;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Stats;
using ChurnActors.Grains.Subscribers;
using ChurnActors.Records;
using ChurnActors.Silo.Configuration;
using ChurnActors.Silo.Health;
using ChurnActors.Silo.Simulation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace ChurnActors.Silo;

/// <summary>
/// The silo process: the Orleans silo, its providers chosen by configuration, and — in the same
/// process — the gateway HTTP API and, in the embedded default, the simulator.
/// </summary>
public static class ChurnSiloHost
{
    public const string PubSubStorageName = "PubSubStore";
    public const string DashboardPath = "/dashboard";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSafeLogging();
        configure?.Invoke(builder);
        var configuration = builder.Configuration;

        // Read up front: they decide which providers the silo is built with, and a bad value stops it here.
        var clustering = ValidatedOptions.Load<ClusteringOptions>(configuration, ClusteringOptions.Section);
        var storage = ValidatedOptions.Load<StorageOptions>(configuration, StorageOptions.Section);
        var streams = ValidatedOptions.Load<StreamsOptions>(configuration, StreamsOptions.Section);
        var archive = ValidatedOptions.Load<ArchiveOptions>(configuration, ArchiveOptions.Section);
        var dialer = ValidatedOptions.Load<DialerOptions>(configuration, DialerOptions.Section);
        var simulator = ValidatedOptions.Load<SimulatorOptions>(configuration, SimulatorOptions.Section);
        ApplyEmbeddedDefaults(configuration, clustering);

        builder.UseOrleans(silo =>
        {
            silo.UseChurnClustering(clustering);
            AddGrainStorage(silo, storage, clustering, SubscriberGrain.StorageName);
            AddGrainStorage(silo, storage, clustering, CellGrain.StorageName);

            // Only explicit stream subscriptions live here; the streams use implicit ones.
            silo.AddMemoryGrainStorage(PubSubStorageName);
            silo.UseChurnStreams(streams, storage, clustering, archive.FlushInterval);
            // Its grain-call profiler records, and its metrics are collected (DashboardMetrics), only while someone has the dashboard open.
            silo.AddDashboard();
        });

        var services = builder.Services;
        services.AddValidatedOptions<DetectionOptions>(configuration, DetectionOptions.Section);
        services.AddValidatedOptions<ContactPolicyOptions>(configuration, ContactPolicyOptions.Section);
        services.AddValidatedOptions<SentimentOptions>(configuration, SentimentOptions.Section);
        services.AddValidatedOptions<DialerOptions>(configuration, DialerOptions.Section);
        services.AddValidatedOptions<ArchiveOptions>(configuration, ArchiveOptions.Section);
        services.AddValidatedOptions<SimulatorOptions>(configuration, SimulatorOptions.Section);

        // After the dashboard's own host, which it pauses until someone opens the dashboard.
        services.AddSingleton<DashboardMetrics>();
        services.AddHostedService(provider => provider.GetRequiredService<DashboardMetrics>());
        services.AddSingleton<SubscriberRules>();
        services.AddSingleton<GrainReferences>();
        services.AddSingleton<UnwrittenSubscribers>();
        services.Configure<SubscriberWriteOptions>(writes =>
        {
            // Safe only because the state lives in the process the activation does: a crash loses both.
            writes.IngestedEventsWrittenBehind = StateInProcess(storage, clustering);
            writes.StreamedEventsWrittenBehind = streams.Provider == StreamsProvider.Kinesis;
        });
        services.AddSingleton<ChurnCounters>();
        services.TryAddSingleton<IRecordPublisher, StreamRecordPublisher>();
        services.AddHostedService<StatsReporter>();
        // TryAdd: a host embedding the silo (tests, benchmarks) may bring its own sink or dialer.
        services.TryAddSingleton<IArchiveSink>(archive.Provider switch
        {
            ArchiveProvider.S3 => sp => new S3ArchiveSink(sp.GetRequiredService<IAmazonS3>(), archive.S3.Bucket!, archive.S3.KmsKeyId),
            _ => _ => new LocalDirectoryArchiveSink(archive.LocalDirectory.Path),
        });
        services.AddHttpClient(nameof(SimulatedDialer));
        services.AddHttpClient(nameof(ConnectDialer), client => client.Timeout = TimeSpan.FromSeconds(10));
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        services.TryAddSingleton<IOutboundDialer>(dialer.Provider switch
        {
            DialerProvider.Connect => sp => new ConnectDialer(
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ConnectDialer)),
                dialer.Connect,
                sp.GetRequiredService<IAwsCredentialSource>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ConnectDialer>>()),
            _ => sp => ActivatorUtilities.CreateInstance<SimulatedDialer>(sp),
        });
        if (simulator.Enabled)
        {
            services.AddHostedService<ProbeSimulator>();
        }

        services.AddChurnGateway(configuration);
        if (archive.Provider == ArchiveProvider.S3)
        {
            services.TryAddSingleton<IAmazonS3>(_ => AwsClients.S3(archive.S3.ServiceUrl, archive.S3.Region));
            services.AddHealthChecks().Add(new HealthCheckRegistration(
                "s3",
                sp => DependencyHealthCheck.Bucket(sp.GetRequiredService<IAmazonS3>(), archive.S3.Bucket!),
                HealthStatus.Unhealthy,
                [GatewayHosting.ReadyTag]));
        }

        if (storage.Provider == StorageProvider.DynamoDb)
        {
            services.AddHealthChecks().Add(new HealthCheckRegistration(
                "dynamodb",
                sp => DependencyHealthCheck.Table(sp.GetRequiredService<IAmazonDynamoDB>(), storage.DynamoDb.TableName),
                HealthStatus.Unhealthy,
                [GatewayHosting.ReadyTag]));
        }

        if (streams.Provider == StreamsProvider.Kinesis)
        {
            foreach (var (provider, stream) in new[] { (ProbeStreams.ProviderName, streams.Kinesis.ProbeStream), (RecordStreams.ProviderName, streams.Kinesis.RecordStream) })
            {
                services.AddHealthChecks().Add(new HealthCheckRegistration(
                    $"kinesis-{provider}",
                    sp => DependencyHealthCheck.Stream(sp.GetRequiredKeyedService<KinesisClient>(provider), stream),
                    HealthStatus.Unhealthy,
                    [GatewayHosting.ReadyTag]));
                services.AddHealthChecks().Add(new HealthCheckRegistration(
                    $"kinesis-{provider}-progress",
                    sp => new ShardProgressHealthCheck(sp.GetRequiredKeyedService<KinesisShardProgress>(provider)),
                    HealthStatus.Unhealthy,
                    [GatewayHosting.ReadyTag]));
            }
        }

        var app = builder.Build();
        app.MapChurnGateway();
        app.MapOrleansDashboard(DashboardPath).RequireAuthorization(OperatorAccess.Policy);
        return app;
    }

    /// <summary>Grain state kept in the silo's own process: memory storage on one loopback silo.</summary>
    private static bool StateInProcess(StorageOptions storage, ClusteringOptions clustering) =>
        storage.Provider == StorageProvider.Memory && clustering.Provider == ClusteringProvider.Localhost;

    private static void AddGrainStorage(ISiloBuilder silo, StorageOptions storage, ClusteringOptions clustering, string name)
    {
        if (storage.Provider == StorageProvider.Memory)
        {
            // One silo keeps memory state in its own process; a cluster of them in Orleans' storage grains, which each can reach.
            if (StateInProcess(storage, clustering))
            {
                silo.AddProcessMemoryGrainStorage(name);
            }
            else
            {
                silo.AddMemoryGrainStorage(name);
            }

            return;
        }

        silo.Services.TryAddSingleton<IAmazonDynamoDB>(_ => AwsClients.DynamoDb(storage.DynamoDb.ServiceUrl, storage.DynamoDb.Region));
        silo.AddDynamoDbGrainStorage(name, options =>
        {
            options.TableName = storage.DynamoDb.TableName;
            options.MaxConcurrentRequests = storage.DynamoDb.MaxConcurrentRequests;
        });
    }

    /// <summary>
    /// On one loopback silo (the embedded default) the gateway and the simulated subscribers share the
    /// process, so an unset feedback secret is made up for the run, and the page, the dashboard and the
    /// API are open to callers on this machine. Anywhere else both must be configured.
    /// </summary>
    private static void ApplyEmbeddedDefaults(IConfiguration configuration, ClusteringOptions clustering)
    {
        if (clustering.Provider != ClusteringProvider.Localhost)
        {
            return;
        }

        const string secret = GatewayOptions.Section + ":FeedbackSecret";
        if (string.IsNullOrEmpty(configuration[secret]))
        {
            configuration[secret] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        }

        const string openOnLoopback = GatewayOptions.Section + ":Access:" + nameof(AccessOptions.OpenOnLoopback);
        if (string.IsNullOrEmpty(configuration[openOnLoopback]))
        {
            configuration[openOnLoopback] = "true";
        }
    }
}
