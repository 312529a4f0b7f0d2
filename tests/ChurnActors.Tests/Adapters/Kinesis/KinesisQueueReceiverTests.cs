using System.Text;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Orleans.Streams;

namespace ChurnActors.Tests.Adapters.Kinesis;

/// <summary>One shard's receiver against kinesalite and dynalite: what goes wrong mid-read never loses or repeats a record.</summary>
[Collection(KinesisCollection.Name)]
public sealed class KinesisQueueReceiverTests(KinesisServer kinesis, DynamoDbServer dynamo)
{
    [Fact]
    public async Task A_read_whose_decoding_fails_is_read_again_and_nothing_is_skipped()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 1);
        var client = kinesis.Client();
        await client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 10).Select(i => Text($"r{i}"))], CancellationToken.None);
        var decoder = new TextDecoder { FailuresLeft = 1 };
        var receiver = await ReceiverAsync(client, stream, decoder);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadUntilAsync(receiver, 1));
        var read = await ReadUntilAsync(receiver, 10);

        Assert.Contains("cannot record its rejections", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"r{i}"), read);
    }

    [Fact]
    public async Task An_expired_iterator_is_renewed_after_the_last_record_read_and_the_checkpoint_follows_delivery()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 1);
        var wire = new WireFaults();
        var client = kinesis.Client(wire);
        var table = DynamoDbServer.NewTableName();
        await client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 5).Select(i => Text($"a{i}"))], CancellationToken.None);
        var receiver = await ReceiverAsync(client, stream, new TextDecoder(), table);

        var first = await ReadBatchesUntilAsync(receiver, 5);
        await client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 5).Select(i => Text($"b{i}"))], CancellationToken.None);
        wire.NextFails("GetRecords", "ExpiredIteratorException");
        var second = await ReadBatchesUntilAsync(receiver, 5);
        await receiver.MessagesDeliveredAsync([.. first, .. second], CancellationToken.None);
        await receiver.Shutdown(TimeSpan.FromSeconds(10), CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"b{i}"), second.SelectMany(b => b.GetEvents<string>()).Select(e => e.Item1));
        Assert.True(wire.Sent("GetShardIterator") >= 2, "the iterator was not renewed");
        var shard = (await client.ListShardsAsync(stream, CancellationToken.None)).Single().ShardId;
        var checkpoint = await new ShardCheckpoints(dynamo.Client, table, "tests", stream, TimeProvider.System, NullLogger.Instance).ReadAsync(shard, CancellationToken.None);
        Assert.Equal(((KinesisSequenceToken)second[^1].SequenceToken).KinesisSequenceNumber, checkpoint!.SequenceNumber);
    }

    [Fact]
    public async Task A_shard_that_cannot_move_while_records_wait_is_reported_stalled_until_its_records_are_delivered()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 1);
        var client = kinesis.Client();
        await client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 3).Select(i => Text($"r{i}"))], CancellationToken.None);
        var progress = new KinesisShardProgress(stream, TimeSpan.FromMilliseconds(300), TimeProvider.System);
        var decoder = new TextDecoder { FailuresLeft = int.MaxValue };
        var shard = (await client.ListShardsAsync(stream, CancellationToken.None)).Single().ShardId;
        var receiver = await ReceiverAsync(client, stream, decoder, progress: progress);
        var failing = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<InvalidOperationException>(() => receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        if (failing.Elapsed < TimeSpan.FromMilliseconds(200))
        {
            Assert.Empty(progress.Stalled());
        }

        while (failing.Elapsed < TimeSpan.FromMilliseconds(600))
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        }

        var stalled = Assert.Single(progress.Stalled());
        Assert.Equal(shard, stalled.Shard);
        Assert.True(stalled.Still >= TimeSpan.FromMilliseconds(300));

        decoder.FailuresLeft = 0;
        var batches = await ReadBatchesUntilAsync(receiver, 3);
        Assert.Single(progress.Stalled());
        await receiver.MessagesDeliveredAsync(batches, CancellationToken.None);
        Assert.Empty(progress.Stalled());
    }

    [Fact]
    public async Task When_the_barrier_cannot_vouch_for_what_was_delivered_the_checkpoint_stays_and_the_shard_is_read_again_from_it()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 1);
        var client = kinesis.Client();
        var table = DynamoDbServer.NewTableName();
        await client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 4).Select(i => Text($"a{i}"))], CancellationToken.None);
        var barrier = new ScriptedBarrier();
        var receiver = await ReceiverAsync(client, stream, new TextDecoder(), table, barrier: barrier);
        var shard = (await client.ListShardsAsync(stream, CancellationToken.None)).Single().ShardId;
        var checkpoints = new ShardCheckpoints(dynamo.Client, table, "tests", stream, TimeProvider.System, NullLogger.Instance);

        // Delivered and vouched for: the checkpoint moves to a3.
        var first = await ReadBatchesUntilAsync(receiver, 4);
        await receiver.MessagesDeliveredAsync(first, CancellationToken.None);
        var vouched = (await checkpoints.ReadAsync(shard, CancellationToken.None))!.SequenceNumber;

        // Delivered, but a consumer's silo died before writing: the checkpoint stays at a3 and b0..b2 come again.
        await client.PutRecordsAsync(stream, [.. Enumerable.Range(0, 3).Select(i => Text($"b{i}"))], CancellationToken.None);
        var second = await ReadBatchesUntilAsync(receiver, 3);
        barrier.Answers.Enqueue(false);
        await receiver.MessagesDeliveredAsync(second, CancellationToken.None);
        var kept = (await checkpoints.ReadAsync(shard, CancellationToken.None))!.SequenceNumber;
        var again = await ReadBatchesUntilAsync(receiver, 3);
        await receiver.MessagesDeliveredAsync(again, CancellationToken.None);
        var moved = (await checkpoints.ReadAsync(shard, CancellationToken.None))!.SequenceNumber;

        Assert.Equal(((KinesisSequenceToken)first[^1].SequenceToken).KinesisSequenceNumber, vouched);
        Assert.Equal(vouched, kept);
        Assert.Equal(["b0", "b1", "b2"], again.SelectMany(b => b.GetEvents<string>()).Select(e => e.Item1));
        Assert.Equal(((KinesisSequenceToken)again[^1].SequenceToken).KinesisSequenceNumber, moved);
        Assert.Equal(3, barrier.Calls);
    }

    [Fact]
    public async Task An_idle_shard_is_never_stalled()
    {
        var stream = await kinesis.CreateStreamAsync(shards: 1);
        var client = kinesis.Client();
        var progress = new KinesisShardProgress(stream, TimeSpan.FromMilliseconds(100), TimeProvider.System);
        var receiver = await ReceiverAsync(client, stream, new TextDecoder(), progress: progress);

        for (var read = 0; read < 5; read++)
        {
            Assert.Empty(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));
            await Task.Delay(50);
        }

        Assert.Empty(progress.Stalled());
        Assert.Equal(1, progress.Shards);
    }

    private async Task<KinesisQueueReceiver> ReceiverAsync(KinesisClient client, string stream, IKinesisRecordDecoder decoder, string? table = null, KinesisShardProgress? progress = null, IKinesisCheckpointBarrier? barrier = null)
    {
        var shards = await client.ListShardsAsync(stream, CancellationToken.None);
        var checkpoints = new ShardCheckpoints(dynamo.Client, table ?? DynamoDbServer.NewTableName(), "tests", stream, TimeProvider.System, NullLogger.Instance);
        await checkpoints.EnsureTableAsync(CancellationToken.None);
        var options = new KinesisStreamOptions { StreamName = stream, ReadInterval = TimeSpan.Zero, IdleReadInterval = TimeSpan.Zero, CheckpointInterval = TimeSpan.Zero };
        var receiver = new KinesisQueueReceiver(
            client,
            new KinesisShardMap("tests", shards),
            options,
            checkpoints,
            decoder,
            barrier,
            progress ?? new KinesisShardProgress(stream, TimeSpan.FromMinutes(1), TimeProvider.System),
            token => client.ListShardsAsync(stream, token),
            shards.Single().ShardId,
            "test-owner",
            TimeProvider.System,
            NullLogger.Instance);
        await receiver.Initialize(TimeSpan.FromSeconds(10), CancellationToken.None);
        return receiver;
    }

    private static async Task<List<string>> ReadUntilAsync(KinesisQueueReceiver receiver, int count) =>
        [.. (await ReadBatchesUntilAsync(receiver, count)).SelectMany(b => b.GetEvents<string>()).Select(e => e.Item1)];

    private static async Task<List<IBatchContainer>> ReadBatchesUntilAsync(KinesisQueueReceiver receiver, int count)
    {
        var batches = new List<IBatchContainer>();
        for (var attempt = 0; attempt < 50 && batches.Sum(b => b.GetEvents<string>().Count()) < count; attempt++)
        {
            batches.AddRange(await receiver.GetQueueMessagesAsync(100, CancellationToken.None));
        }

        return batches;
    }

    private static KinesisRecordToPut Text(string text) => new(Encoding.UTF8.GetBytes(text), "key");

    /// <summary>Each record's text as one event; fails while told to, as a decoder whose rejections cannot be recorded.</summary>
    private sealed class TextDecoder : IKinesisRecordDecoder
    {
        public int FailuresLeft { get; set; }

        public Task<IReadOnlyList<KinesisDelivery>> DecodeAsync(string streamName, string shardId, IReadOnlyList<KinesisRecord> records, CancellationToken cancellationToken)
        {
            if (FailuresLeft-- > 0)
            {
                throw new InvalidOperationException("The decoder cannot record its rejections now.");
            }

            return Task.FromResult<IReadOnlyList<KinesisDelivery>>(
                [.. records.Select(r => new KinesisDelivery(StreamId.Create("tests", r.PartitionKey), [Encoding.UTF8.GetString(r.Data)], null, r.SequenceNumber))]);
        }
    }

    /// <summary>Answers each checkpoint from a script (true once the script is spent).</summary>
    private sealed class ScriptedBarrier : IKinesisCheckpointBarrier
    {
        public Queue<bool> Answers { get; } = new();

        public int Calls { get; private set; }

        public Task<bool> BeforeCheckpointAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(!Answers.TryDequeue(out var answer) || answer);
        }
    }
}
