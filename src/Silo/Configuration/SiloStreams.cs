using Amazon.DynamoDBv2;
using ChurnActors.Adapters.Aws;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Configuration;
using ChurnActors.Grains.Options;
using ChurnActors.Records;
using ChurnActors.Silo.Simulation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChurnActors.Silo.Configuration;

/// <summary>
/// How probe events and records travel: memory streams on one silo (probe events then come only
/// over HTTP), or two Kinesis streams — probe events written by the probe system, records written
/// and read by the cluster — with shard checkpoints in DynamoDB.
/// </summary>
public static class SiloStreams
{
    public const string Section = "Churn:Streams";

    public static ISiloBuilder AddChurnStreams(this ISiloBuilder silo, IConfiguration configuration, ClusteringOptions clustering)
    {
        var provider = ProviderChoice<StreamsProvider>.Of(configuration, Section);
        silo.Services.Configure<SubscriberWriteOptions>(writes => writes.StreamedEventsWrittenBehind = provider == StreamsProvider.Kinesis);
        if (provider == StreamsProvider.Memory)
        {
            silo.AddMemoryStreams(RecordStreams.ProviderName, stream => stream.ConfigurePullingAgent(agent => agent.Configure(options =>
            {
                // An archiver that cannot reach the lake refuses records; they wait in the stream, retried, rather than being given up after a minute.
                options.MaxEventDeliveryTime = TimeSpan.FromDays(1);
            })));
            silo.Services.TryAddSingleton<IProbeEventSink, IngestGrainSink>();
            return silo;
        }

        var kinesis = ValidatedOptions.Load<KinesisStreamsOptions>(configuration, KinesisStreamsOptions.Section);
        silo.Services.AddSingleton(kinesis);
        if (ProviderChoice<StorageProvider>.Of(configuration, SiloStorage.Section) != StorageProvider.DynamoDb)
        {
            throw new OptionsValidationException(
                Section,
                typeof(KinesisStreamsOptions),
                [$"{Section}:Provider: Kinesis keeps its shard checkpoints in DynamoDB beside the grain state; set {SiloStorage.Section}:Provider=DynamoDb"]);
        }

        silo.AddKinesisStreams(ProbeStreams.ProviderName, options =>
        {
            Configure(options, kinesis, kinesis.ProbeStream, clustering);
            options.CheckpointInterval = kinesis.CheckpointInterval;
        });
        silo.Services.AddKeyedSingleton<IKinesisRecordDecoder>(ProbeStreams.ProviderName, (sp, _) => ActivatorUtilities.CreateInstance<ProbeRecordDecoder>(sp));

        // Subscribers write what they count from the probe stream behind; its checkpoint waits for every silo to flush.
        silo.AddGrainService<UnwrittenSubscribersService>();
        silo.Services.AddSingleton<UnwrittenSubscribersClient>();
        silo.Services.AddKeyedSingleton<IKinesisCheckpointBarrier, SubscriberFlushBarrier>(ProbeStreams.ProviderName);

        // Each checkpoint makes the archivers write what they hold: as often as they would anyway, not more.
        var archiveFlushInterval = ValidatedOptions.Load<ArchiveOptions>(configuration, ArchiveOptions.Section).FlushInterval;
        silo.AddKinesisStreams(RecordStreams.ProviderName, options =>
        {
            Configure(options, kinesis, kinesis.RecordStream, clustering);
            options.CheckpointInterval = archiveFlushInterval;
        });
        silo.Services.AddKeyedSingleton<IKinesisRecordEncoder>(RecordStreams.ProviderName, (sp, key) => sp.GetRequiredKeyedService<OrleansKinesisCodec>(key));
        silo.Services.AddKeyedSingleton<IKinesisCheckpointBarrier, ArchiveFlushBarrier>(RecordStreams.ProviderName);

        silo.Services.TryAddSingleton<IProbeEventSink>(sp => new KinesisProbeSink(sp.GetRequiredKeyedService<KinesisClient>(ProbeStreams.ProviderName), kinesis.ProbeStream));
        return silo;
    }

    private static void Configure(KinesisStreamOptions options, KinesisStreamsOptions kinesis, string stream, ClusteringOptions clustering)
    {
        options.ServiceUrl = kinesis.ServiceUrl;
        options.Region = kinesis.Region;
        options.StreamName = stream;
        options.CheckpointTable = kinesis.CheckpointTable;

        // Beside the grain state, on the DynamoDB of Churn:Storage:DynamoDb.
        options.CheckpointStore = sp => sp.GetRequiredService<IAmazonDynamoDB>();
        options.ServiceId = clustering.ServiceId;
        options.CreateWithShards = kinesis.ServiceUrl is null ? 0 : kinesis.Shards;
        options.StallAfter = kinesis.StallAfter;
    }

    /// <summary>The record stream's checkpoint may pass only records already in the lake: every archiver flushes first.</summary>
    private sealed class ArchiveFlushBarrier(IGrainFactory grains) : IKinesisCheckpointBarrier
    {
        public async Task<bool> BeforeCheckpointAsync(CancellationToken cancellationToken)
        {
            await Task.WhenAll(Enumerable.Range(0, RecordStreams.Partitions).Select(p => grains.GetGrain<IArchiverGrain>($"p{p}").FlushAsync()));
            return true;
        }
    }
}
