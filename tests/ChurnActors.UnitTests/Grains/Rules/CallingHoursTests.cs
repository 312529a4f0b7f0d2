using ChurnActors.Grains.Rules;

namespace ChurnActors.UnitTests.Grains.Rules;

public sealed class CallingHoursTests
{
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly TimeZoneInfo Tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
    private static readonly CallingHours NineToEight = new(TimeSpan.FromHours(9), TimeSpan.FromHours(20));

    [Theory]
    [InlineData(8, 59, false)]
    [InlineData(9, 0, true)]
    [InlineData(19, 59, true)]
    [InlineData(20, 0, false)]
    [InlineData(23, 0, false)]
    public void Is_open_from_the_start_up_to_but_not_including_the_end(int hour, int minute, bool open)
    {
        var at = new DateTimeOffset(2026, 11, 25, hour, minute, 0, TimeSpan.Zero);

        Assert.Equal(open, NineToEight.IsOpen(at, [London]));
    }

    [Fact]
    public void Next_opening_of_an_open_window_is_now()
    {
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(at, NineToEight.NextOpening(at, [London]));
    }

    [Fact]
    public void Next_opening_is_in_the_zones_local_time()
    {
        // 12:00 UTC is 21:00 in Tokyo: the next opening is 09:00 JST, 00:00 UTC the next day.
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        var opening = NineToEight.NextOpening(at, [Tokyo]);

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero), opening);
        Assert.Equal(TimeSpan.FromHours(9), TimeZoneInfo.ConvertTime(opening, Tokyo).TimeOfDay);
        Assert.False(NineToEight.IsOpen(at, [Tokyo]));
        Assert.True(NineToEight.IsOpen(opening, [Tokyo]));
    }

    [Fact]
    public void A_number_in_several_zones_is_open_only_when_every_zone_is()
    {
        IReadOnlyList<TimeZoneInfo> both = [London, Tokyo];

        // London 09–20 UTC and Tokyo 00–11 UTC in November overlap from 09:00 to 11:00 UTC.
        Assert.False(NineToEight.IsOpen(new DateTimeOffset(2026, 11, 26, 8, 59, 0, TimeSpan.Zero), both));
        Assert.True(NineToEight.IsOpen(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), both));
        Assert.True(NineToEight.IsOpen(new DateTimeOffset(2026, 11, 26, 10, 59, 0, TimeSpan.Zero), both));
        Assert.False(NineToEight.IsOpen(new DateTimeOffset(2026, 11, 26, 11, 0, 0, TimeSpan.Zero), both));
    }

    [Fact]
    public void Next_opening_for_several_zones_is_the_first_instant_open_in_all()
    {
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), NineToEight.NextOpening(at, [London, Tokyo]));
    }

    [Fact]
    public void An_opening_skipped_by_the_clocks_going_forward_opens_at_the_first_valid_time()
    {
        // 29 March 2026: London's clocks go from 01:00 GMT to 02:00 BST, so 01:30 never happens.
        var hours = new CallingHours(TimeSpan.FromMinutes(90), TimeSpan.FromHours(20));
        var at = new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero);

        var opening = hours.NextOpening(at, [London]);

        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), opening);
        Assert.True(hours.IsOpen(opening, [London]));
    }
}
