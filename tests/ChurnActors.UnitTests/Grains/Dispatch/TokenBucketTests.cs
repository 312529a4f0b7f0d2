using ChurnActors.Grains.Dispatch;

namespace ChurnActors.UnitTests.Grains.Dispatch;

public sealed class TokenBucketTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Allows_the_burst_at_once_and_no_more()
    {
        var bucket = new TokenBucket(2, 5, Start);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake(Start));
        }

        Assert.False(bucket.TryTake(Start));
    }

    [Fact]
    public void Refills_at_the_rate()
    {
        var bucket = new TokenBucket(2, 5, Start);
        while (bucket.TryTake(Start))
        {
        }

        Assert.False(bucket.TryTake(Start.AddMilliseconds(499)));
        Assert.True(bucket.TryTake(Start.AddMilliseconds(500)));
        Assert.False(bucket.TryTake(Start.AddMilliseconds(500)));
        Assert.True(bucket.TryTake(Start.AddSeconds(1)));
    }

    [Fact]
    public void Never_holds_more_than_the_burst_after_a_long_idle()
    {
        var bucket = new TokenBucket(2, 5, Start);
        var later = Start.AddHours(1);

        for (var i = 0; i < 5; i++)
        {
            Assert.True(bucket.TryTake(later));
        }

        Assert.False(bucket.TryTake(later));
    }

    [Fact]
    public void A_refunded_token_can_be_taken_again_but_never_beyond_the_burst()
    {
        var bucket = new TokenBucket(2, 1, Start);

        Assert.True(bucket.TryTake(Start));
        bucket.Refund();
        Assert.True(bucket.TryTake(Start));
        Assert.False(bucket.TryTake(Start));

        bucket.Refund();
        bucket.Refund();
        Assert.True(bucket.TryTake(Start));
        Assert.False(bucket.TryTake(Start));
    }
}
