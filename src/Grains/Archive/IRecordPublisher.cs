using ChurnActors.Records;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace ChurnActors.Grains.Archive;

/// <summary>Puts a turn's records on the record stream, in the partition of the subscriber they are about.</summary>
public interface IRecordPublisher
{
    /// <param name="partitionKey">The subscriber's msisdn (records of one subscriber stay in order).</param>
    /// <exception cref="RecordsNotPublishedException">Some records could not be put on the stream; the first <see cref="RecordsNotPublishedException.Published"/> were.</exception>
    Task PublishAsync(string partitionKey, RecordBatch batch);
}

/// <summary>
/// The record stream as an Orleans stream (memory streams in the embedded default, Kinesis in
/// production). A batch goes in order, cut into items of at most <see cref="RecordStreams.MaxBatchBytes"/>,
/// so no size of batch is too large for the transport.
/// </summary>
public sealed class StreamRecordPublisher(IServiceProvider services) : IRecordPublisher
{
    private IStreamProvider? _provider;

    public async Task PublishAsync(string partitionKey, RecordBatch batch)
    {
        _provider ??= services.GetRequiredKeyedService<IStreamProvider>(RecordStreams.ProviderName);
        var stream = _provider.GetStream<RecordBatch>(StreamId.Create(RecordStreams.Namespace, RecordStreams.PartitionFor(partitionKey)));
        var published = 0;
        foreach (var part in batch.Split(RecordStreams.MaxBatchBytes))
        {
            try
            {
                await stream.OnNextAsync(part);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                throw new RecordsNotPublishedException(published, batch.Records.Count, exception);
            }

            published += part.Records.Count;
        }
    }
}

/// <summary>The record stream refused records; those before <see cref="Published"/> are on it, in order, the rest are not.</summary>
public sealed class RecordsNotPublishedException(int published, int total, Exception innerException)
    : Exception($"{total - published} of {total} records could not be put on the record stream: {innerException.Message}", innerException)
{
    public int Published { get; } = published;
}
