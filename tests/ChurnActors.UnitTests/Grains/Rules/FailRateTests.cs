using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;

namespace ChurnActors.UnitTests.Grains.Rules;

public sealed class FailRateTests
{
    [Fact]
    public void One_fail_out_of_one_session_does_not_exceed_below_the_minimum_sample()
    {
        var rate = FailRate.Of(ok: 0, fail: 1, threshold: 0.16, minSamples: 5);

        Assert.Equal(1.0, rate.Rate);
        Assert.Equal(1, rate.Sessions);
        Assert.False(rate.Exceeded);
    }

    [Fact]
    public void Exceeds_once_the_minimum_sample_is_reached()
    {
        Assert.False(FailRate.Of(ok: 3, fail: 1, threshold: 0.16, minSamples: 5).Exceeded);
        Assert.True(FailRate.Of(ok: 4, fail: 1, threshold: 0.16, minSamples: 5).Exceeded);
    }

    [Fact]
    public void A_rate_exactly_at_the_threshold_does_not_exceed()
    {
        var rate = FailRate.Of(ok: 4, fail: 1, threshold: 0.2, minSamples: 5);

        Assert.Equal(0.2, rate.Rate);
        Assert.False(rate.Exceeded);
        Assert.Equal(0, rate.Severity);
    }

    [Fact]
    public void A_rate_above_the_threshold_exceeds()
    {
        var rate = FailRate.Of(ok: 3, fail: 2, threshold: 0.2, minSamples: 5);

        Assert.Equal(0.4, rate.Rate, 12);
        Assert.True(rate.Exceeded);
    }

    [Theory]
    [InlineData(4, 1, 0.16, 0.04)]
    [InlineData(3, 2, 0.2, 0.4)]
    [InlineData(0, 10, 0.11, 8.9)]
    [InlineData(9, 1, 0.16, 0)]
    public void Severity_is_the_excess_over_the_threshold_times_the_failures(int ok, int fail, double threshold, double expected)
    {
        var rate = FailRate.Of(ok, fail, threshold, minSamples: 5);

        Assert.Equal(expected, rate.Severity, 12);
        Assert.Equal(fail, rate.Failures);
    }

    [Fact]
    public void No_sessions_is_a_zero_rate()
    {
        var rate = FailRate.Of(ok: 0, fail: 0, threshold: 0.16, minSamples: 1);

        Assert.Equal(0, rate.Rate);
        Assert.False(rate.Exceeded);
    }

    [Theory]
    [InlineData(IncidentType.CallDrop, 0.16, 15)]
    [InlineData(IncidentType.CallQuality, 0.18, 15)]
    [InlineData(IncidentType.LowBitrate, 0.09, 60)]
    [InlineData(IncidentType.VideoStalling, 0.11, 60)]
    public void Default_thresholds_and_windows_are_those_of_the_spec(IncidentType type, double threshold, int windowMinutes)
    {
        var options = new DetectionOptions();

        Assert.Equal(threshold, options.ThresholdFor(type));
        Assert.Equal(TimeSpan.FromMinutes(windowMinutes), options.WindowFor(type));
        Assert.Equal(5, options.MinSamples);
    }
}
