using ChurnActors.Telemetry;
using ChurnActors.Adapters.Aws;
using ChurnActors.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.LeaseProviders;
using Orleans.Streams;

namespace ChurnActors.Adapters.Kinesis;

public static class KinesisStreamExtensions
{
    /// <summary>How long a shard's lease lasts unrenewed: a dead silo's shards are free again after this.</summary>
    public static readonly TimeSpan LeaseLength = TimeSpan.FromSeconds(10);

    /// <summary>How often a silo renews the leases it holds (three tries within one lease's life).</summary>
    public static readonly TimeSpan LeaseRenewPeriod = TimeSpan.FromSeconds(3);

    /// <summary>How often a silo short of its share tries to take leases.</summary>
    public static readonly TimeSpan LeaseAcquisitionPeriod = TimeSpan.FromSeconds(2);

    /// <summary>Credentials local servers take: they check the signature's shape, not its key.</summary>
    private static readonly SigV4Credentials LocalCredentials = new("local", "local");

    /// <summary>
    /// Adds a Kinesis stream as the persistent stream provider <paramref name="name"/>. Records are
    /// read with the <see cref="IKinesisRecordDecoder"/> registered under the same key (Orleans'
    /// own serialization when none is); they are written with the keyed <see cref="IKinesisRecordEncoder"/>,
    /// or not at all when there is none (a stream fed from outside). Consumers subscribe implicitly;
    /// a delivery that fails is retried for up to a day rather than skipped, and the shard's
    /// checkpoint waits for it.
    /// </summary>
    public static ISiloBuilder AddKinesisStreams(
        this ISiloBuilder builder,
        string name,
        Action<KinesisStreamOptions> configure,
        Action<ISiloPersistentStreamConfigurator>? configureStream = null)
    {
        var services = builder.Services;
        services.AddOptions<KinesisStreamOptions>(name).Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KinesisStreamOptions>>(new KinesisStreamOptionsValidator(name));
        services.TryAddSingleton(TimeProvider.System);
        // Its own connection pool, renewed every few minutes so DNS changes of the endpoint are followed.
        services.AddKeyedSingleton(name, (_, _) => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            Timeout = TimeSpan.FromSeconds(15),
        });
        services.AddKeyedSingleton(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<KinesisStreamOptions>>().Get(name);
            return NewClient(
                sp.GetRequiredKeyedService<HttpClient>(name),
                options.ServiceUrl,
                options.Region,
                sp.GetRequiredService<IAwsCredentialSource>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<KinesisClient>>());
        });
        services.AddKeyedSingleton(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<KinesisStreamOptions>>().Get(name);
            return new KinesisShardProgress(options.StreamName, options.StallAfter, sp.GetRequiredService<TimeProvider>(), sp.GetService<ChurnMetrics>());
        });
        services.TryAddSingleton<IAwsCredentialSource, DefaultAwsCredentialSource>();
        services.TryAddKeyedSingleton<OrleansKinesisCodec>(name);
        services.TryAddKeyedSingleton<IKinesisRecordDecoder>(name, (sp, key) => sp.GetRequiredKeyedService<OrleansKinesisCodec>(key));

        // Not ready while the stream does not answer, or while a shard read here stands still with records waiting.
        DependencyHealthCheck.Register(services, $"kinesis-{name}", sp =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<KinesisStreamOptions>>().Get(name);
            return new DependencyHealthCheck($"stream {options.StreamName}", async token =>
            {
                var status = (await sp.GetRequiredKeyedService<KinesisClient>(name).DescribeStreamSummaryAsync(options.StreamName, token)).StreamStatus;
                return status is "ACTIVE" or "UPDATING" ? null : $"is {status}";
            });
        });
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            $"kinesis-{name}-progress",
            sp => new ShardProgressHealthCheck(sp.GetRequiredKeyedService<KinesisShardProgress>(name)),
            HealthStatus.Unhealthy,
            [HealthTags.Ready]));

        // Shards go to silos by lease, beside the checkpoints: evenly (no silo more than its share,
        // rounded up), moved when silos join or leave, and taken from a dead silo once its leases expire.
        services.AddKeyedSingleton<ILeaseProvider>(name, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<KinesisStreamOptions>>().Get(name);
            return new DynamoDbLeaseProvider(options.CheckpointStore!(sp), options.CheckpointTable, options.ServiceId, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<DynamoDbLeaseProvider>>());
        });

        builder.AddPersistentStreams(name, KinesisQueueAdapterFactory.Create, stream =>
        {
            stream.UseLeaseBasedQueueBalancer(balancer => balancer.Configure(options =>
            {
                options.LeaseLength = LeaseLength;
                options.LeaseRenewPeriod = LeaseRenewPeriod;
                options.LeaseAcquisitionPeriod = LeaseAcquisitionPeriod;
            }));
            stream.ConfigureStreamPubSub(StreamPubSubType.ImplicitOnly);
            stream.ConfigurePullingAgent(agent => agent.Configure(options => options.MaxEventDeliveryTime = TimeSpan.FromDays(1)));
            configureStream?.Invoke(stream);
        });
        return builder;
    }

    /// <summary>A client for AWS (the default credential chain) or, with a service URL, a local server.</summary>
    public static KinesisClient NewClient(HttpClient http, Uri? serviceUrl, string? region, IAwsCredentialSource credentials, TimeProvider time, ILogger<KinesisClient> logger) =>
        new(
            http,
            KinesisClient.EndpointFor(serviceUrl, region),
            region ?? "us-east-1",
            serviceUrl is null ? credentials : new FixedCredentials(LocalCredentials),
            time,
            logger);

    private sealed class FixedCredentials(SigV4Credentials credentials) : IAwsCredentialSource
    {
        public ValueTask<SigV4Credentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
    }
}
