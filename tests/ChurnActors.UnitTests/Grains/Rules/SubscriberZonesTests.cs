using ChurnActors.Grains.Rules;

namespace ChurnActors.UnitTests.Grains.Rules;

public sealed class SubscriberZonesTests
{
    [Theory]
    [InlineData("+81312345678", "Asia/Tokyo")]
    [InlineData("+12125551234", "America/New_York")]
    [InlineData("+16505551234", "America/Los_Angeles")]
    [InlineData("+442079460000", "Europe/London")]
    public void Derives_the_zone_from_the_number(string msisdn, string zone)
    {
        var zones = SubscriberZones.For(msisdn);

        Assert.Equal(zone, Assert.Single(zones).Id);
    }

    [Fact]
    public void A_uk_mobile_number_is_in_london_time()
    {
        Assert.Contains(SubscriberZones.For("+447911123456"), zone => zone.Id == "Europe/London");
    }

    [Theory]
    [InlineData("+447700900123", "Europe/London")]
    [InlineData("+8150123456789", "Asia/Tokyo")]
    public void Derives_the_zone_from_the_country_when_the_number_range_is_unknown(string msisdn, string zone)
    {
        // The parser accepts any possible number of the country; its calling hours must still be the country's.
        Assert.True(MsisdnNormalizer.TryNormalize(msisdn, out _));

        Assert.Contains(SubscriberZones.For(msisdn), candidate => candidate.Id == zone);
    }

    [Fact]
    public void Next_opening_respects_the_numbers_zone()
    {
        var hours = new CallingHours(TimeSpan.FromHours(9), TimeSpan.FromHours(20));
        var at = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        var opening = hours.NextOpening(at, SubscriberZones.For("+81312345678"));

        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.FromHours(9)), opening);
    }

    [Fact]
    public void A_number_spanning_many_zones_has_an_opening_shared_by_all()
    {
        var zones = SubscriberZones.For("+79123456789");
        var hours = new CallingHours(TimeSpan.FromHours(9), TimeSpan.FromHours(20));

        var opening = hours.NextOpening(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), zones);

        Assert.True(zones.Count > 1);
        Assert.True(hours.IsOpen(opening, zones));
    }
}
