using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Adapters.Aws;
using ChurnActors.Grains.Ingest;
using ChurnActors.Grains.Options;

namespace ChurnActors.Benchmarks.Peers;

/// <summary>
/// The data path the project replaces: the serverless design's per-event read-modify-write of the
/// subscriber item — GetItem, apply the rules, PutItem — by a pool of concurrent workers (as Lambda
/// consumers of the probe stream's shards run), each subscriber's events kept in order on one worker.
/// The item holds what the rules need (per-type minute buckets, whether an engagement is in flight):
/// about 200 bytes, one write unit and half a read unit (an eventually consistent read) an event.
/// </summary>
public sealed class SeedPipeline(IAmazonDynamoDB dynamo, string table, DetectionOptions detection)
{
    public const int Workers = 32;
    private const int FutureMinutes = 5;

    public async Task CreateTableAsync()
    {
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("msisdn", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("msisdn", KeyType.HASH)],
        });
        while ((await dynamo.DescribeTableAsync(table)).Table.TableStatus != TableStatus.ACTIVE)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>Runs the mix over <paramref name="subscribers"/> for <paramref name="duration"/>; returns the events processed and the time taken.</summary>
    public async Task<(long Events, TimeSpan Elapsed, int ItemBytes)> RunAsync(EventMix mix, int subscribers, TimeSpan duration)
    {
        var processed = 0L;
        var itemBytes = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            var mine = Enumerable.Range(0, subscribers).Where(s => s % Workers == worker).ToList();
            for (var pass = 0; clock.Elapsed < duration; pass++)
            {
                foreach (var subscriber in mine)
                {
                    if (clock.Elapsed >= duration)
                    {
                        break;
                    }

                    var one = mix.Batch([(subscriber, pass, "CALL_DROP", EventMix.Fails(subscriber, pass))]);
                    var size = await ProcessAsync(one.Buffer.AsMemory(one.Events[0]));
                    Interlocked.Exchange(ref itemBytes, size);
                    Interlocked.Increment(ref processed);
                }
            }
        })));
        return (processed, clock.Elapsed, itemBytes);
    }

    /// <summary>One event: read the subscriber's item, apply the rules, write it back. Returns the item's size.</summary>
    private async Task<int> ProcessAsync(ReadOnlyMemory<byte> json)
    {
        var now = DateTimeOffset.UtcNow;
        if (!ProbeEventReader.TryRead(json.Span, now, out var probe, out _))
        {
            return 0;
        }

        var key = new Dictionary<string, AttributeValue> { ["msisdn"] = new() { S = probe!.Msisdn } };
        var read = await dynamo.GetItemAsync(new GetItemRequest { TableName = table, Key = key, ConsistentRead = false });
        var buckets = read.Item is { Count: > 0 } item && item.TryGetValue("buckets", out var stored) ? Longs(stored.B.ToArray()) : null;
        var engaged = read.Item is { Count: > 0 } found && found.TryGetValue("engaged", out var flag) && flag.BOOL == true;
        AwsUsage.DynamoDbRead(table, "GetItem", ItemSize(read.Item), consistent: false);

        var minutes = Math.Max(1, (int)Math.Ceiling(detection.WindowFor(probe.Type).TotalMinutes));
        buckets ??= new long[minutes + FutureMinutes + 1];
        var minute = probe.Timestamp.ToUnixTimeSeconds() / 60;
        var nowMinute = now.ToUnixTimeSeconds() / 60;
        if (minute > nowMinute - minutes && minute <= nowMinute + FutureMinutes)
        {
            ref var slot = ref buckets[minute % buckets.Length];
            if (slot >>> 32 != minute)
            {
                slot = minute << 32;
            }

            slot += probe.Failed ? 1 : 1 << 16;
            if (probe.Failed && !engaged)
            {
                int ok = 0, fail = 0;
                foreach (var bucket in buckets)
                {
                    var at = bucket >>> 32;
                    if (at > nowMinute - minutes && at <= nowMinute + FutureMinutes)
                    {
                        ok += (int)((bucket >> 16) & 0xFFFF);
                        fail += (int)(bucket & 0xFFFF);
                    }
                }

                engaged = ok + fail >= detection.MinSamples && (double)fail / (ok + fail) > detection.ThresholdFor(probe.Type);
            }
        }

        var bytes = Bytes(buckets);
        var written = new Dictionary<string, AttributeValue>
        {
            ["msisdn"] = new() { S = probe.Msisdn },
            ["buckets"] = new() { B = new MemoryStream(bytes) },
            ["engaged"] = new() { BOOL = engaged },
            ["cell"] = new() { S = probe.Cell },
            ["sentiment"] = new() { N = "10" },
        };
        await dynamo.PutItemAsync(new PutItemRequest { TableName = table, Item = written });
        var size = ItemSize(written);
        AwsUsage.DynamoDbWrite(table, "PutItem", size);
        return size;
    }

    /// <summary>DynamoDB's item size: attribute names plus values (binary at its length, numbers and strings as text, a boolean a byte).</summary>
    private static int ItemSize(Dictionary<string, AttributeValue>? item) =>
        item?.Sum(a => a.Key.Length + (a.Value.B?.Length is { } binary ? (int)binary : System.Text.Encoding.UTF8.GetByteCount(a.Value.S ?? a.Value.N ?? "") + (a.Value.BOOL is null ? 0 : 1))) ?? 0;

    private static byte[] Bytes(long[] values)
    {
        var bytes = new byte[values.Length * 8];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    private static long[] Longs(byte[] bytes)
    {
        var values = new long[bytes.Length / 8];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
