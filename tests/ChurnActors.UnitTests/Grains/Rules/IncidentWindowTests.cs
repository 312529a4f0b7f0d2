using ChurnActors.Grains.Rules;

namespace ChurnActors.UnitTests.Grains.Rules;

public sealed class IncidentWindowTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    [Fact]
    public void Counts_sessions_by_their_event_time()
    {
        var window = new IncidentWindow(Window);

        Assert.True(window.Add(Now.AddMinutes(-10), failed: true, Now, Window));
        Assert.True(window.Add(Now.AddMinutes(-3), failed: false, Now, Window));
        Assert.True(window.Add(Now, failed: false, Now, Window));

        Assert.Equal((2, 1), window.Totals(Now, Window));
    }

    [Fact]
    public void Places_a_late_arrival_at_its_event_time_not_its_arrival_time()
    {
        var window = new IncidentWindow(Window);
        var arrival = Now.AddMinutes(10);

        Assert.True(window.Add(Now.AddMinutes(-3), failed: true, arrival, Window));

        // Fifteen minutes after the event, not after its arrival, it has left the window.
        Assert.Equal((0, 1), window.Totals(Now.AddMinutes(11), Window));
        Assert.Equal((0, 0), window.Totals(Now.AddMinutes(12), Window));
    }

    [Theory]
    [InlineData(-15)]
    [InlineData(-16)]
    [InlineData(-600)]
    public void Refuses_an_event_older_than_the_window(int minutes)
    {
        var window = new IncidentWindow(Window);

        Assert.False(window.Add(Now.AddMinutes(minutes), failed: true, Now, Window));
        Assert.Equal((0, 0), window.Totals(Now, Window));
    }

    [Fact]
    public void Accepts_an_event_at_the_oldest_minute_of_the_window()
    {
        var window = new IncidentWindow(Window);

        Assert.True(window.Add(Now.AddMinutes(-14), failed: true, Now, Window));
        Assert.Equal((0, 1), window.Totals(Now, Window));
    }

    [Fact]
    public void Accepts_an_event_up_to_five_minutes_ahead_and_refuses_one_further()
    {
        var window = new IncidentWindow(Window);

        Assert.True(window.Add(Now + IncidentWindow.FutureTolerance, failed: false, Now, Window));
        Assert.False(window.Add(Now.AddMinutes(6), failed: false, Now, Window));
        Assert.False(window.Add(Now.AddHours(1), failed: true, Now, Window));

        Assert.Equal((1, 0), window.Totals(Now, Window));
    }

    [Fact]
    public void Stops_counting_events_that_leave_the_window_as_time_moves()
    {
        var window = new IncidentWindow(Window);
        window.Add(Now.AddMinutes(-14), failed: true, Now, Window);
        window.Add(Now.AddMinutes(-5), failed: false, Now, Window);
        window.Add(Now, failed: true, Now, Window);

        Assert.Equal((1, 2), window.Totals(Now, Window));
        Assert.Equal((1, 1), window.Totals(Now.AddMinutes(1), Window));
        Assert.Equal((0, 1), window.Totals(Now.AddMinutes(10), Window));
        Assert.Equal((0, 0), window.Totals(Now.AddMinutes(15), Window));
    }

    [Fact]
    public void Counts_out_of_order_events_inside_the_window()
    {
        var window = new IncidentWindow(Window);

        Assert.True(window.Add(Now.AddMinutes(-1), failed: false, Now, Window));
        Assert.True(window.Add(Now.AddMinutes(-12), failed: true, Now, Window));
        Assert.True(window.Add(Now.AddMinutes(-5), failed: false, Now, Window));
        Assert.True(window.Add(Now.AddMinutes(-12).AddSeconds(30), failed: true, Now, Window));

        Assert.Equal((2, 2), window.Totals(Now, Window));
    }

    [Fact]
    public void Does_not_resurrect_old_counts_when_a_slot_is_reused_after_a_long_gap()
    {
        var window = new IncidentWindow(Window);
        window.Add(Now, failed: true, Now, Window);
        window.Add(Now, failed: true, Now, Window);

        // A whole number of turns of the ring later, the same slot comes round again.
        var later = Now.AddMinutes(window.Capacity * 100);
        Assert.Equal((0, 0), window.Totals(later, Window));

        Assert.True(window.Add(later, failed: false, later, Window));
        Assert.Equal((1, 0), window.Totals(later, Window));
    }

    [Fact]
    public void Does_not_count_a_minute_one_ring_ago_that_shares_the_slot()
    {
        var window = new IncidentWindow(Window);
        window.Add(Now, failed: true, Now, Window);

        var oneTurnLater = Now.AddMinutes(window.Capacity);
        Assert.True(window.Add(oneTurnLater, failed: false, oneTurnLater, Window));

        Assert.Equal((1, 0), window.Totals(oneTurnLater, Window));
    }

    [Fact]
    public void Keeps_the_retained_counts_when_the_configured_window_grows()
    {
        var window = new IncidentWindow(Window);
        window.Add(Now.AddMinutes(-10), failed: true, Now, Window);
        window.Add(Now.AddMinutes(-2), failed: false, Now, Window);

        var longer = TimeSpan.FromMinutes(60);
        Assert.True(window.Add(Now, failed: false, Now, longer));

        Assert.Equal(60 + 5 + 1, window.Capacity);
        Assert.Equal((2, 1), window.Totals(Now, longer));
    }

    [Fact]
    public void Keeps_the_counts_still_inside_a_window_that_shrinks()
    {
        var longer = TimeSpan.FromMinutes(60);
        var window = new IncidentWindow(longer);
        window.Add(Now.AddMinutes(-40), failed: true, Now, longer);
        window.Add(Now.AddMinutes(-10), failed: true, Now, longer);
        window.Add(Now.AddMinutes(-2), failed: false, Now, longer);

        Assert.True(window.Add(Now, failed: false, Now, Window));

        Assert.Equal(15 + 5 + 1, window.Capacity);
        Assert.Equal((2, 1), window.Totals(Now, Window));
    }

    [Fact]
    public void Saturates_a_minute_count_instead_of_overflowing_into_the_other_count()
    {
        var window = new IncidentWindow(Window);
        for (var i = 0; i < 70_000; i++)
        {
            window.Add(Now, failed: true, Now, Window);
        }

        Assert.Equal((0, ushort.MaxValue), window.Totals(Now, Window));
    }
}
