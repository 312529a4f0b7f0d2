using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Orleans.Runtime;
using Orleans.Streams;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// The stream's shards as Orleans queues: one queue per shard listed when the provider starts. A shard
/// born later (a split or a merge) is read by the queue of its ancestor, after its parents are read to
/// their end, so one subscriber's events stay in order; the next start gives it a queue of its own.
/// </summary>
public sealed class KinesisShardMap : IConsistentRingStreamQueueMapper
{
    private readonly string _providerName;
    private readonly Dictionary<string, QueueId> _queueOfShard;
    private readonly Dictionary<QueueId, string> _shardOfQueue;
    private IReadOnlyList<KinesisShard> _shards;

    public KinesisShardMap(string providerName, IReadOnlyList<KinesisShard> shards)
    {
        if (shards.Count == 0)
        {
            throw new ArgumentException("A stream has at least one shard.", nameof(shards));
        }

        _providerName = providerName;
        _shards = shards;
        var ordered = shards.Select(s => s.ShardId).Order(StringComparer.Ordinal).ToList();
        _queueOfShard = ordered.Select((shard, index) => (shard, queue: QueueId.GetQueueId(providerName, (uint)index, StableHash(shard))))
            .ToDictionary(q => q.shard, q => q.queue, StringComparer.Ordinal);
        _shardOfQueue = _queueOfShard.ToDictionary(q => q.Value, q => q.Key);
    }

    public IReadOnlyList<KinesisShard> Shards => Volatile.Read(ref _shards);

    public IEnumerable<QueueId> GetAllQueues() => _shardOfQueue.Keys;

    /// <summary>The queues a silo's range of the consistent ring holds: the balancer gives each queue to exactly one live silo.</summary>
    public IEnumerable<QueueId> GetQueuesForRange(IRingRange range) =>
        _shardOfQueue.Keys.Where(queue => range.InRange(queue.GetUniformHashCode()));

    public string ShardOf(QueueId queue) => _shardOfQueue.TryGetValue(queue, out var shard)
        ? shard
        : throw new ArgumentException($"Queue {queue} is not a shard queue of stream provider '{_providerName}'.", nameof(queue));

    /// <summary>The queue whose shard holds the stream's records now: the open shard whose hash range covers the MD5 of the partition key.</summary>
    public QueueId GetQueueForStream(StreamId streamId)
    {
        var hashKey = HashKeyOf(streamId.GetKeyAsString());
        var shards = Shards;
        var shard = shards.FirstOrDefault(s => !s.IsClosed && s.Covers(hashKey)) ?? shards.First(s => s.Covers(hashKey));
        return QueueOf(shard.ShardId, shards) ?? _queueOfShard.Values.First();
    }

    /// <summary>The queue that reads <paramref name="shardId"/>: its own, or that of its nearest ancestor with one.</summary>
    public QueueId? QueueOf(string shardId, IReadOnlyList<KinesisShard> shards)
    {
        var byId = shards.ToDictionary(s => s.ShardId, StringComparer.Ordinal);
        for (var current = shardId; current is not null;)
        {
            if (_queueOfShard.TryGetValue(current, out var queue))
            {
                return queue;
            }

            current = byId.TryGetValue(current, out var shard) ? shard.ParentShardId : null;
        }

        return null;
    }

    public void Update(IReadOnlyList<KinesisShard> shards) => Volatile.Write(ref _shards, shards);

    /// <summary>Kinesis maps a partition key to a shard by the 128-bit MD5 of its UTF-8 bytes.</summary>
    public static BigInteger HashKeyOf(string partitionKey) =>
        new(MD5.HashData(Encoding.UTF8.GetBytes(partitionKey)), isUnsigned: true, isBigEndian: true);

    private static uint StableHash(string text)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return BitConverter.ToUInt32(digest, 0);
    }
}
