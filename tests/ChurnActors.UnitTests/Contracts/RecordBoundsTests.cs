using System.Security.Cryptography;
using System.Text;
using ChurnActors.Records;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace ChurnActors.UnitTests.Contracts;

/// <summary>No record is too large for any transport: rejections are capped, and batches are cut to fit.</summary>
public sealed class RecordBoundsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_rejection_keeps_its_payload_whole_when_small()
    {
        var record = RejectedRecord.Of(At, "http", "status appears twice", "{\"status\":\"OK\"}"u8);

        Assert.Equal("{\"status\":\"OK\"}", record.Payload);
        Assert.Equal(15, record.PayloadLength);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("{\"status\":\"OK\"}"u8)), record.PayloadSha256);
    }

    [Fact]
    public void A_large_payload_is_cut_at_a_character_boundary_with_the_length_and_hash_of_the_whole()
    {
        var payload = Encoding.UTF8.GetBytes(new string('a', RejectedRecord.MaxPayloadBytes - 1) + "€" + new string('b', 1_000_000));

        var record = RejectedRecord.Of(At, "http", "too long", payload);

        Assert.Equal(new string('a', RejectedRecord.MaxPayloadBytes - 1), record.Payload);
        Assert.Equal(payload.Length, record.PayloadLength);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), record.PayloadSha256);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_show_as_replacement_characters_and_are_hashed_as_they_came()
    {
        byte[] payload = [0x7B, 0xFF, 0xC3, 0x28, 0x7D];

        var record = RejectedRecord.Of(At, "kinesis:s/shard/1", "not UTF-8 text", payload);

        Assert.Equal("{\ufffd\ufffd(}", record.Payload);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), record.PayloadSha256);
    }

    [Fact]
    public void Reason_and_source_are_bounded_too()
    {
        var record = RejectedRecord.Of(At, new string('s', 10_000), new string('r', 10_000), []);

        Assert.Equal(RejectedRecord.MaxSourceLength, record.Source.Length);
        Assert.Equal(RejectedRecord.MaxReasonLength, record.Reason.Length);
    }

    [Fact]
    public void A_batch_is_cut_in_order_into_parts_under_the_limit()
    {
        var payload = new byte[RejectedRecord.MaxPayloadBytes];
        Array.Fill(payload, (byte)'x');
        var records = Enumerable.Range(0, 100).Select(i => (ChurnRecord)RejectedRecord.Of(At, $"http-{i}", "too long", payload)).ToList();

        var parts = new RecordBatch(records).Split(RecordStreams.MaxBatchBytes).ToList();

        Assert.True(parts.Count > 1);
        Assert.Equal(records, parts.SelectMany(p => p.Records));
        Assert.All(parts, p => Assert.InRange(p.Records.Sum(RecordSizes.Estimate), 1, RecordStreams.MaxBatchBytes));
    }

    [Fact]
    public void A_small_batch_stays_whole()
    {
        var batch = new RecordBatch([RejectedRecord.Of(At, "http", "r", "{}"u8)]);

        Assert.Same(batch, Assert.Single(batch.Split(RecordStreams.MaxBatchBytes)));
    }

    [Fact]
    public void The_estimate_is_never_below_the_serialized_size()
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        ChurnRecord[] records =
        [
            RejectedRecord.Of(At, "http", "reason €€€", Encoding.UTF8.GetBytes(new string('€', 5_000))),
            new IncidentRecord(new string('e', 128), At, "+447700900123", IncidentType.CallDrop, new string('ß', 64), "35693803", new string('v', 64), 0.3, 12),
            new EngagementRecord(null, At, "+447700900123", IncidentType.LowBitrate, "cell", 0.5, 3.2, EngagementStatus.Deferred, new string('r', 300)),
        ];

        foreach (var record in records)
        {
            Assert.True(serializer.SerializeToArray(record).Length <= RecordSizes.Estimate(record), record.GetType().Name);
        }
    }
}
