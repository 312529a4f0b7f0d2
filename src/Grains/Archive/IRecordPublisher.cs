using ChurnActors.Records;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace ChurnActors.Grains.Archive;

/// <summary>Puts a turn's records on the record stream, in the partition of the subscriber they are about.</summary>
public interface IRecordPublisher
{
    /// <param name="partitionKey">The subscriber's msisdn (records of one subscriber stay in order).</param>
    Task PublishAsync(string partitionKey, RecordBatch batch);
}

/// <summary>The record stream as an Orleans stream (memory streams in the embedded default).</summary>
public sealed class StreamRecordPublisher(IServiceProvider services) : IRecordPublisher
{
    private IStreamProvider? _provider;

    public Task PublishAsync(string partitionKey, RecordBatch batch)
    {
        _provider ??= services.GetRequiredKeyedService<IStreamProvider>(RecordStreams.ProviderName);
        return _provider
            .GetStream<RecordBatch>(StreamId.Create(RecordStreams.Namespace, RecordStreams.PartitionFor(partitionKey)))
            .OnNextAsync(batch);
    }
}
