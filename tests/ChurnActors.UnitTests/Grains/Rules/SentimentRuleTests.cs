using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;

namespace ChurnActors.UnitTests.Grains.Rules;

public sealed class SentimentRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly SentimentRule Seed = new(new SentimentOptions());

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, -1)]
    [InlineData(3, -1)]
    [InlineData(4, -2)]
    [InlineData(5, -2)]
    public void Maps_scores_as_the_seed_does(int score, int change)
    {
        Assert.Equal(change, Seed.ChangeFor(score));
        Assert.Equal(10 + change, Seed.Apply(10, score));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Refuses_a_score_outside_one_to_five(int score) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Seed.ChangeFor(score));

    [Fact]
    public void Never_goes_below_the_minimum()
    {
        Assert.Equal(0, Seed.Apply(1, 5));
        Assert.Equal(0, Seed.Apply(0, 4));
        Assert.Equal(0, Seed.Apply(0, 2));
    }

    [Fact]
    public void Never_goes_above_the_maximum()
    {
        var rule = new SentimentRule(new SentimentOptions { ScoreChanges = [3, 0, 0, -1, -2] });

        Assert.Equal(10, rule.Apply(9, 1));
        Assert.Equal(10, rule.Apply(10, 1));
    }

    [Fact]
    public void Starts_at_ten()
    {
        Assert.Equal(10, Seed.Start);
    }

    [Fact]
    public void Does_not_recover_before_a_full_quiet_period()
    {
        var since = Now.AddDays(-30).AddSeconds(1);

        Assert.Equal((6, since), Seed.Recover(6, since, Now));
    }

    [Fact]
    public void Recovers_one_step_per_quiet_period()
    {
        var since = Now.AddDays(-75);

        var (sentiment, stepAt) = Seed.Recover(6, since, Now);

        Assert.Equal(8, sentiment);
        Assert.Equal(since.AddDays(60), stepAt);
    }

    [Fact]
    public void Recovers_exactly_at_the_end_of_a_period()
    {
        var since = Now.AddDays(-30);

        Assert.Equal((7, Now), Seed.Recover(6, since, Now));
    }

    [Fact]
    public void Never_overshoots_the_start_when_recovering()
    {
        var since = Now.AddDays(-3650);

        var (sentiment, stepAt) = Seed.Recover(8, since, Now);

        Assert.Equal(10, sentiment);
        Assert.Equal(since.AddDays(60), stepAt);
    }

    [Fact]
    public void Recovers_downward_toward_a_start_below_the_current_value()
    {
        var rule = new SentimentRule(new SentimentOptions { Start = 5, RecoveryAfter = TimeSpan.FromDays(1) });

        Assert.Equal((7, Now), rule.Recover(9, Now.AddDays(-2), Now));
        Assert.Equal((5, Now.AddDays(-6)), rule.Recover(9, Now.AddDays(-10), Now));
    }

    [Fact]
    public void Leaves_a_sentiment_at_its_start_alone()
    {
        Assert.Equal((10, Now.AddDays(-400)), Seed.Recover(10, Now.AddDays(-400), Now));
    }
}
