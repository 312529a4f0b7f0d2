using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// An Orleans persistent stream provider over one Kinesis stream: a queue per shard (the queue
/// balancer gives each to one silo), events put with the stream key as partition key.
/// </summary>
public sealed partial class KinesisQueueAdapterFactory(
    string name,
    KinesisStreamOptions options,
    KinesisClient client,
    ShardCheckpoints checkpoints,
    IKinesisRecordDecoder decoder,
    IKinesisRecordEncoder? encoder,
    IKinesisCheckpointBarrier? barrier,
    KinesisShardProgress progress,
    IQueueAdapterCache cache,
    string owner,
    TimeProvider time,
    ILoggerFactory loggers) : IQueueAdapterFactory, IQueueAdapter
{
    private readonly ILogger _logger = loggers.CreateLogger<KinesisQueueAdapterFactory>();
    private readonly SemaphoreSlim _listing = new(1, 1);
    private KinesisShardMap? _map;
    private (DateTimeOffset At, IReadOnlyList<KinesisShard> Shards)? _listed;

    public string Name => name;

    public bool IsRewindable => false;

    public StreamProviderDirection Direction => encoder is null ? StreamProviderDirection.ReadOnly : StreamProviderDirection.ReadWrite;

    public static KinesisQueueAdapterFactory Create(IServiceProvider services, string name)
    {
        var options = services.GetRequiredService<IOptionsMonitor<KinesisStreamOptions>>().Get(name);
        var time = services.GetRequiredService<TimeProvider>();
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var client = services.GetRequiredKeyedService<KinesisClient>(name);
        var checkpoints = new ShardCheckpoints(
            options.CheckpointStore!(services),
            options.CheckpointTable,
            options.ServiceId,
            options.StreamName,
            time,
            loggers.CreateLogger<ShardCheckpoints>());
        var cacheOptions = services.GetRequiredService<IOptionsMonitor<SimpleQueueCacheOptions>>().Get(name);
        var silo = services.GetService<ILocalSiloDetails>();
        return new KinesisQueueAdapterFactory(
            name,
            options,
            client,
            checkpoints,
            services.GetRequiredKeyedService<IKinesisRecordDecoder>(name),
            services.GetKeyedService<IKinesisRecordEncoder>(name),
            services.GetKeyedService<IKinesisCheckpointBarrier>(name),
            services.GetRequiredKeyedService<KinesisShardProgress>(name),
            new SimpleQueueAdapterCache(cacheOptions, name, loggers),
            silo?.SiloAddress.ToParsableString() ?? Environment.MachineName,
            time,
            loggers);
    }

    public Task<IQueueAdapter> CreateAdapter() => CreateAdapter(CancellationToken.None);

    public async Task<IQueueAdapter> CreateAdapter(CancellationToken cancellationToken)
    {
        if (_map is null)
        {
            await EnsureStreamAsync(cancellationToken);
            await checkpoints.EnsureTableAsync(cancellationToken);
            _map = new KinesisShardMap(name, await ListShardsAsync(cancellationToken));
            LogStarted(_logger, options.StreamName, name, _map.Shards.Count);
        }

        return this;
    }

    public IQueueAdapterCache GetQueueAdapterCache() => cache;

    public IStreamQueueMapper GetStreamQueueMapper() => _map ?? throw new InvalidOperationException($"Stream provider '{name}' has not read its shards yet.");

    /// <summary>Failed deliveries are retried by the pulling agent (for as long as the provider's delivery time allows), never skipped silently here.</summary>
    public Task<IStreamFailureHandler> GetDeliveryFailureHandler(QueueId queueId) =>
        Task.FromResult<IStreamFailureHandler>(new NoOpStreamDeliveryFailureHandler(false));

    public async Task QueueMessageBatchAsync<T>(StreamId streamId, IEnumerable<T> events, StreamSequenceToken? token, Dictionary<string, object>? requestContext)
    {
        if (encoder is null)
        {
            throw new NotSupportedException($"Stream '{options.StreamName}' (provider '{name}') is written by its producer outside the cluster; Orleans only reads it.");
        }

        if (token is not null)
        {
            throw new ArgumentException("Kinesis assigns positions itself; an event cannot be put at a given token.", nameof(token));
        }

        await client.PutRecordsAsync(options.StreamName, [encoder.Encode(streamId, events, requestContext)], CancellationToken.None);
    }

    public IQueueAdapterReceiver CreateReceiver(QueueId queueId)
    {
        var map = (KinesisShardMap)GetStreamQueueMapper();
        return new KinesisQueueReceiver(
            client,
            map,
            options,
            checkpoints,
            decoder,
            barrier?.ForReceiver(),
            progress,
            ListShardsAsync,
            map.ShardOf(queueId),
            $"{owner}#{Guid.NewGuid():N}",
            time,
            loggers.CreateLogger<KinesisQueueReceiver>());
    }

    /// <summary>The shard list, read at most once per second however many queues ask.</summary>
    private async Task<IReadOnlyList<KinesisShard>> ListShardsAsync(CancellationToken cancellationToken)
    {
        await _listing.WaitAsync(cancellationToken);
        try
        {
            if (_listed is { } listed && time.GetUtcNow() - listed.At < TimeSpan.FromSeconds(1))
            {
                return listed.Shards;
            }

            var shards = await client.ListShardsAsync(options.StreamName, cancellationToken);
            _listed = (time.GetUtcNow(), shards);
            return shards;
        }
        finally
        {
            _listing.Release();
        }
    }

    private async Task EnsureStreamAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var summary = await client.DescribeStreamSummaryAsync(options.StreamName, cancellationToken);
                if (summary.StreamStatus is "ACTIVE" or "UPDATING")
                {
                    return;
                }
            }
            catch (KinesisException exception) when (exception.ErrorType == "ResourceNotFoundException")
            {
                if (options.CreateWithShards <= 0)
                {
                    throw new InvalidOperationException($"Kinesis stream '{options.StreamName}' of stream provider '{name}' does not exist.", exception);
                }

                LogCreating(_logger, options.StreamName, options.CreateWithShards);
                try
                {
                    await client.CreateStreamAsync(options.StreamName, options.CreateWithShards, cancellationToken);
                }
                catch (KinesisException inUse) when (inUse.ErrorType == "ResourceInUseException")
                {
                    // Another silo created it a moment ago.
                }
            }

            if (attempt >= 120)
            {
                throw new InvalidOperationException($"Kinesis stream '{options.StreamName}' of stream provider '{name}' did not become active within a minute.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Kinesis stream {Stream} serves stream provider {Provider} with {Shards} shards")]
    private static partial void LogStarted(ILogger logger, string stream, string provider, int shards);

    [LoggerMessage(Level = LogLevel.Information, Message = "Creating Kinesis stream {Stream} with {Shards} shards")]
    private static partial void LogCreating(ILogger logger, string stream, int shards);
}
