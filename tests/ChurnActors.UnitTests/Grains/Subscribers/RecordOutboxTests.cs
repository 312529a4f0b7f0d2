using ChurnActors.Grains.Subscribers;
using ChurnActors.Records;

namespace ChurnActors.UnitTests.Grains.Subscribers;

/// <summary>The records a subscriber owes the lake: kept in order, sent first, settled by what the stream took.</summary>
public sealed class RecordOutboxTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Owed_records_go_out_before_a_new_change_and_all_taken_clears_them()
    {
        var owed = new List<ChurnRecord> { Rejected("a"), Rejected("b") };
        var outbox = new RecordOutbox(owed, capacity: 10);

        var sending = outbox.ToSend([Rejected("c")]);

        Assert.Equal(["a", "b", "c"], sending.Select(Reason));
        Assert.True(outbox.Settle(sending, published: sending.Length));
        Assert.Empty(owed);
    }

    [Fact]
    public void What_the_stream_did_not_take_stays_owed_in_order()
    {
        var owed = new List<ChurnRecord> { Rejected("a") };
        var outbox = new RecordOutbox(owed, capacity: 10);

        var sending = outbox.ToSend([Rejected("b"), Rejected("c")]);

        Assert.True(outbox.Settle(sending, published: 1));
        Assert.Equal(["b", "c"], owed.Select(Reason));
    }

    [Theory]
    [InlineData(0, 0, 0)] // nothing owed, the fresh records all taken: nothing to write
    [InlineData(2, 0, 0)] // owed ones refused again, nothing new: still the same owed
    public void Nothing_changed_means_nothing_to_write(int owedBefore, int fresh, int published)
    {
        var owed = Enumerable.Range(0, owedBefore).Select(i => Rejected($"owed-{i}")).ToList();
        var outbox = new RecordOutbox(owed, capacity: 10);
        var freshRecords = Enumerable.Range(0, fresh).Select(i => Rejected($"fresh-{i}")).ToList();
        var sending = outbox.ToSend(freshRecords);

        Assert.False(outbox.Settle(sending, published: owedBefore == 0 ? sending.Length : published));
        Assert.Equal(owedBefore, owed.Count);
    }

    [Fact]
    public void Fresh_records_refused_with_none_owed_become_owed()
    {
        var owed = new List<ChurnRecord>();
        var outbox = new RecordOutbox(owed, capacity: 10);

        var sending = outbox.ToSend([Rejected("a")]);

        Assert.True(outbox.Settle(sending, published: 0));
        Assert.Equal(["a"], owed.Select(Reason));
    }

    [Fact]
    public void Full_at_its_capacity()
    {
        var owed = new List<ChurnRecord> { Rejected("a") };
        var outbox = new RecordOutbox(owed, capacity: 2);
        Assert.False(outbox.IsFull);

        owed.Add(Rejected("b"));

        Assert.True(outbox.IsFull);
        Assert.Throws<ArgumentOutOfRangeException>(() => outbox.Settle(outbox.ToSend([]), published: 3));
    }

    private static ChurnRecord Rejected(string reason) => new RejectedRecord(At, "test", reason, "{}", 2, "");

    private static string Reason(ChurnRecord record) => ((RejectedRecord)record).Reason;
}
