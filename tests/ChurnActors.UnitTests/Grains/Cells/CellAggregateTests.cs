using ChurnActors.Grains.Cells;

namespace ChurnActors.UnitTests.Grains.Cells;

public sealed class CellAggregateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Counts_distinct_subscribers_exactly_below_the_bound()
    {
        var cell = new CellAggregate();
        for (var i = 0; i < CellAggregate.ExactSubscriberLimit; i++)
        {
            cell.AddIncidents(Msisdn(i), Now.AddMinutes(-(i % 600)), [1, 0, 0, 0], Now);
        }

        cell.AddIncidents(Msisdn(0), Now, [0, 1, 0, 0], Now);

        Assert.False(cell.Estimated);
        Assert.Equal(CellAggregate.ExactSubscriberLimit, cell.DistinctSubscribers(Now));
        Assert.Equal([2000L, 1, 0, 0], cell.IncidentsByType(Now));
    }

    [Fact]
    public void Counts_incidents_by_type()
    {
        var cell = new CellAggregate();
        cell.AddIncidents("+447700900001", Now.AddHours(-2), [1, 2, 0, 3], Now);
        cell.AddIncidents("+447700900002", Now, [0, 0, 4, 0], Now);

        Assert.Equal([1L, 2, 4, 3], cell.IncidentsByType(Now));
        Assert.Equal(2, cell.DistinctSubscribers(Now));
    }

    [Fact]
    public void Incidents_older_than_a_day_stop_counting()
    {
        var cell = new CellAggregate();
        cell.AddIncidents("+447700900001", Now, [1, 0, 0, 0], Now);
        cell.AddIncidents("+447700900002", Now.AddHours(3), [0, 1, 0, 0], Now.AddHours(3));

        var almostADay = Now.AddHours(23);
        Assert.Equal(2, cell.DistinctSubscribers(almostADay));
        Assert.Equal([1L, 1, 0, 0], cell.IncidentsByType(almostADay));

        var aDayLater = Now.AddHours(24);
        Assert.Equal(1, cell.DistinctSubscribers(aDayLater));
        Assert.Equal([0L, 1, 0, 0], cell.IncidentsByType(aDayLater));

        Assert.Equal(0, cell.DistinctSubscribers(Now.AddHours(27)));
        Assert.Equal([0L, 0, 0, 0], cell.IncidentsByType(Now.AddHours(27)));
    }

    [Fact]
    public void An_incident_already_a_day_old_is_ignored()
    {
        var cell = new CellAggregate();

        cell.AddIncidents("+447700900001", Now.AddHours(-24), [1, 0, 0, 0], Now);

        Assert.Equal(0, cell.DistinctSubscribers(Now));
        Assert.Equal([0L, 0, 0, 0], cell.IncidentsByType(Now));
        Assert.Empty(cell.MostAffected(10, Now));
    }

    [Fact]
    public void An_hour_slot_reused_the_next_day_starts_afresh()
    {
        var cell = new CellAggregate();
        cell.AddIncidents("+447700900001", Now, [5, 0, 0, 0], Now);

        var nextDay = Now.AddHours(24);
        cell.AddIncidents("+447700900002", nextDay, [1, 0, 0, 0], nextDay);

        Assert.Equal([1L, 0, 0, 0], cell.IncidentsByType(nextDay));
        Assert.Equal(1, cell.DistinctSubscribers(nextDay));
    }

    [Fact]
    public void Estimates_distinct_subscribers_above_the_bound_within_five_percent()
    {
        const int truth = 20_000;
        var cell = new CellAggregate();
        for (var i = 0; i < truth; i++)
        {
            cell.AddIncidents(Msisdn(i), Now.AddMinutes(-(i % 600)), [1, 0, 0, 0], Now);
        }

        // A subscriber seen again is not counted twice.
        for (var i = 0; i < 1_000; i++)
        {
            cell.AddIncidents(Msisdn(i), Now, [0, 1, 0, 0], Now);
        }

        Assert.True(cell.Estimated);
        var estimate = cell.DistinctSubscribers(Now);
        Assert.InRange(estimate, truth * 0.95, truth * 1.05);
        Assert.Equal([(long)truth, 1_000, 0, 0], cell.IncidentsByType(Now));
        Assert.True(cell.MostAffected(int.MaxValue, Now).Count <= CellAggregate.ExactSubscriberLimit);
    }

    [Fact]
    public void Estimated_subscribers_leave_the_count_after_a_day()
    {
        var cell = new CellAggregate();
        for (var i = 0; i < 5_000; i++)
        {
            cell.AddIncidents(Msisdn(i), Now, [1, 0, 0, 0], Now);
        }

        var later = Now.AddHours(12);
        for (var i = 5_000; i < 8_000; i++)
        {
            cell.AddIncidents(Msisdn(i), later, [1, 0, 0, 0], later);
        }

        Assert.InRange(cell.DistinctSubscribers(later), 8_000 * 0.95, 8_000 * 1.05);
        Assert.InRange(cell.DistinctSubscribers(Now.AddHours(24)), 3_000 * 0.95, 3_000 * 1.05);
        Assert.Equal(0, cell.DistinctSubscribers(Now.AddHours(37)));
    }

    [Fact]
    public void Sums_feedback_and_change_in_sentiment()
    {
        var cell = new CellAggregate();
        cell.AddSentiment("+447700900001", -2, Now);
        cell.AddSentiment("+447700900002", -1, Now);
        cell.AddSentiment("+447700900001", 0, Now);

        Assert.Equal(3, cell.Feedback);
        Assert.Equal(-3, cell.ChangeSentiment);
        Assert.Equal(-1.0, cell.MeanChangeSentiment);
    }

    [Theory]
    [InlineData(100, 0.0, 100.0)]
    [InlineData(100, -1.5, 250.0)]
    [InlineData(100, -2.0, 300.0)]
    [InlineData(100, 0.5, 100.0)]
    [InlineData(0, -2.0, 0.0)]
    public void Priority_is_subscribers_weighted_by_lost_sentiment(long subscribers, double meanChange, double expected)
    {
        Assert.Equal(expected, CellAggregate.Priority(subscribers, meanChange), 12);
    }

    [Fact]
    public void Summarizes_the_cell()
    {
        var cell = new CellAggregate();
        cell.AddIncidents("+447700900001", Now, [1, 0, 2, 0], Now);
        cell.AddIncidents("+447700900002", Now, [0, 0, 0, 1], Now);
        cell.AddSentiment("+447700900001", -2, Now);

        var summary = cell.Summarize("cell-1", Now);

        Assert.Equal("cell-1", summary.Cell);
        Assert.Equal(2, summary.Subscribers);
        Assert.Equal(4, summary.Incidents);
        Assert.Equal(2, summary.IncidentsByType["LOW_BITRATE"]);
        Assert.Equal(1, summary.IncidentsByType["VIDEO_STALLING"]);
        Assert.Equal(1, summary.Feedback);
        Assert.Equal(-2, summary.ChangeSentiment);
        Assert.Equal(-2.0, summary.MeanChangeSentiment);
        Assert.Equal(6.0, summary.Priority);
        Assert.False(summary.SubscribersEstimated);
    }

    [Fact]
    public void Most_affected_are_ordered_by_change_in_sentiment_then_incidents()
    {
        var cell = new CellAggregate();
        cell.AddIncidents("+447700900001", Now, [3, 0, 0, 0], Now);
        cell.AddSentiment("+447700900001", -2, Now);
        cell.AddIncidents("+447700900002", Now, [5, 0, 0, 0], Now);
        cell.AddSentiment("+447700900002", -2, Now);
        cell.AddIncidents("+447700900003", Now, [10, 0, 0, 0], Now);
        cell.AddSentiment("+447700900004", -1, Now);

        var affected = cell.MostAffected(10, Now);

        Assert.Equal(["+447700900002", "+447700900001", "+447700900004", "+447700900003"], affected.Select(s => s.Msisdn));
        Assert.Equal(new CellSubscriber("+447700900002", 5, -2, Now), affected[0]);
        Assert.Equal(2, cell.MostAffected(2, Now).Count);
    }

    private static string Msisdn(int i) => $"+4477009{i:D5}";
}
