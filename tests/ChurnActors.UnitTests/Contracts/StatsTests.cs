namespace ChurnActors.UnitTests.Contracts;

/// <summary>Counter changes add up, and the snapshot leaves out statuses that net to nothing.</summary>
public sealed class StatsTests
{
    [Fact]
    public void Two_changes_add_up_field_by_field_and_status_by_status()
    {
        var first = new StatsDelta(10, 2, 1, new Dictionary<string, long> { ["pending"] = 3 }, 1, 0);
        var second = new StatsDelta(5, 0, 4, new Dictionary<string, long> { ["pending"] = -3, ["placed"] = 3 }, 2, 1);

        var sum = StatsDelta.None.Plus(first).Plus(second);
        var since = new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero);
        var snapshot = StatsSnapshot.Of(sum, since);

        Assert.Equal((15L, 2L, 5L, 3L, 1L), (sum.EventsAccepted, sum.EventsRejected, sum.EventsDuplicate, sum.CallsPlaced, sum.FeedbackReceived));
        Assert.Equal(new Dictionary<string, long> { ["placed"] = 3 }, snapshot.EngagementsByStatus);
        Assert.Equal((15L, 2L, 5L, 3L, 1L, since), (snapshot.EventsAccepted, snapshot.EventsRejected, snapshot.EventsDuplicate, snapshot.CallsPlaced, snapshot.FeedbackReceived, snapshot.Since));
        Assert.True(StatsDelta.None.IsEmpty);
        Assert.False(first.IsEmpty);
        Assert.Equal(3, first.EngagementsByStatus["pending"]);
    }
}
