using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Stats;
using ChurnActors.Records;
using CsCheck;

namespace ChurnActors.Tests.Hostile;

/// <summary>
/// A read of the probe stream holding any bytes at all: every record is either delivered to its
/// subscriber or rejected with its shard position and the hash of its bytes, never both, never
/// neither, and never an exception that would hold up the shard.
/// </summary>
public sealed class ProbeRecordDecoderPropertyTests
{
    [Fact]
    public async Task Every_record_of_a_read_is_delivered_or_rejected_with_its_position_and_the_counters_agree()
    {
        var records = Gen.Frequency((3, HostileJson.Element), (1, Gen.Byte.Array[0, 64])).Array[1, 60];
        await records.SampleAsync(
            async data =>
            {
                var publisher = new CapturingPublisher();
                var counters = new ChurnCounters();
                var decoder = new ProbeRecordDecoder(publisher, counters, TimeProvider.System);
                var read = data.Select((bytes, i) => new KinesisRecord((1_000 + i).ToString(CultureInfo.InvariantCulture), "key", bytes, null)).ToList();

                var deliveries = await decoder.DecodeAsync("probes", "shardId-000000000000", read, CancellationToken.None);

                var delivered = deliveries.SelectMany(d => d.Events.Cast<ImmutableArray<ProbeEvent>>().SelectMany(e => e)).ToList();
                var rejected = publisher.Records.Cast<RejectedRecord>().ToList();
                Assert.Equal(data.Length, delivered.Count + rejected.Count);
                Assert.All(rejected, r =>
                {
                    Assert.True(RejectedSources.TryParseStreamPosition(r.Source, out var origin, out var offset));
                    Assert.Equal("kinesis:probes/shardId-000000000000", origin);
                    Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data[(int)offset - 1_000])), r.PayloadSha256);
                    Assert.False(string.IsNullOrWhiteSpace(r.Reason));
                });
                Assert.Equal(rejected.Count, rejected.Select(r => r.Source).Distinct().Count());
                Assert.All(deliveries, d => Assert.Equal(d.StreamId.GetKeyAsString(), ((ImmutableArray<ProbeEvent>)d.Events.Single())[0].Msisdn));

                var counted = counters.Drain();
                Assert.Equal(delivered.Count, counted?.EventsAccepted ?? 0);
                Assert.Equal(rejected.Count, counted?.EventsRejected ?? 0);
            },
            iter: 300);
    }

    private sealed class CapturingPublisher : IRecordPublisher
    {
        public List<ChurnRecord> Records { get; } = [];

        public Task PublishAsync(string partitionKey, RecordBatch batch)
        {
            Records.AddRange(batch.Records);
            return Task.CompletedTask;
        }
    }
}
