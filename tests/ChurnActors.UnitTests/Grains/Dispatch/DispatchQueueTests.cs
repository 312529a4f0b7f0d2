using ChurnActors.Grains.Dispatch;
using ChurnActors.Grains.Options;

namespace ChurnActors.UnitTests.Grains.Dispatch;

public sealed class DispatchQueueTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Serves_the_most_severe_first_and_equal_severities_in_offer_order()
    {
        var queue = new DispatchQueue(new DialerOptions(), Start);
        queue.Offer(Request("a", 0.1));
        queue.Offer(Request("b", 0.9));
        queue.Offer(Request("c", 0.5));
        queue.Offer(Request("d", 0.9));

        Assert.Equal(["b", "d", "c", "a"], Drain(queue, Start).Select(r => r.EngagementId));
    }

    [Fact]
    public void A_placed_call_taken_up_from_a_lost_dispatcher_keeps_its_slot_until_its_timeout()
    {
        var options = new DialerOptions { Quotas = new DialQuotas { MaxConcurrentCalls = 2 } };
        var queue = new DispatchQueue(options, Start);
        var placedAt = Start.AddMinutes(-1);

        Assert.True(queue.RestorePlaced(Request("placed", 0.9), placedAt));
        Assert.False(queue.RestorePlaced(Request("placed", 0.9), placedAt));
        Assert.False(queue.Offer(Request("placed", 0.9)));
        queue.Offer(Request("waiting-1", 0.5));
        queue.Offer(Request("waiting-2", 0.5));

        // One slot is the restored call's: one more call may go, not two.
        Assert.Equal(["waiting-1"], Drain(queue, Start).Select(r => r.EngagementId));
        Assert.Equal(2, queue.InFlight);
        Assert.Empty(queue.ExpireCalls(placedAt + options.CallTimeout - TimeSpan.FromSeconds(1)));
        Assert.Equal(["placed"], queue.ExpireCalls(placedAt + options.CallTimeout).Select(r => r.EngagementId));
        Assert.Equal(["waiting-2"], Drain(queue, Start.AddMinutes(5)).Select(r => r.EngagementId));
    }

    [Fact]
    public void Takes_at_most_the_burst_at_once_then_two_a_second()
    {
        var queue = new DispatchQueue(new DialerOptions(), Start);
        OfferMany(queue, 20);

        Assert.Equal(5, Drain(queue, Start).Count);
        Assert.Empty(Drain(queue, Start));
        Assert.Empty(Drain(queue, Start.AddMilliseconds(499)));
        Assert.Single(Drain(queue, Start.AddMilliseconds(500)));
        Assert.Equal(2, Drain(queue, Start.AddMilliseconds(1500)).Count);
        Assert.Equal(8, queue.InFlight);
        Assert.Equal(12, queue.Waiting);
    }

    [Fact]
    public void Never_holds_more_than_the_concurrent_call_limit_until_a_slot_is_released()
    {
        var queue = new DispatchQueue(new DialerOptions(), Start);
        OfferMany(queue, 20);

        var taken = new List<DialRequest>();
        for (var second = 0; second <= 60; second++)
        {
            taken.AddRange(Drain(queue, Start.AddSeconds(second)));
            Assert.True(queue.InFlight <= 10);
        }

        Assert.Equal(10, taken.Count);
        Assert.Equal(10, queue.InFlight);
        Assert.Null(queue.TakeNext(Start.AddMinutes(2)));

        Assert.True(queue.Release(taken[0].EngagementId));
        Assert.Single(Drain(queue, Start.AddMinutes(2)));
        queue.Forget(taken[1].EngagementId);
        Assert.Single(Drain(queue, Start.AddMinutes(2)));
        Assert.Null(queue.TakeNext(Start.AddMinutes(3)));
        Assert.Equal(10, queue.InFlight);
    }

    [Fact]
    public void Honours_configured_quotas()
    {
        var options = new DialerOptions { Quotas = new DialQuotas { RequestsPerSecond = 1, Burst = 2, MaxConcurrentCalls = 3 } };
        var queue = new DispatchQueue(options, Start);
        OfferMany(queue, 10);

        Assert.Equal(2, Drain(queue, Start).Count);
        Assert.Empty(Drain(queue, Start.AddMilliseconds(999)));
        Assert.Single(Drain(queue, Start.AddSeconds(1)));
        Assert.Empty(Drain(queue, Start.AddSeconds(10)));
        Assert.Equal(3, queue.InFlight);
    }

    [Fact]
    public void A_withdrawn_call_spends_no_token_and_frees_its_slot()
    {
        var queue = new DispatchQueue(new DialerOptions(), Start);
        OfferMany(queue, 6);

        var withdrawn = queue.TakeNext(Start);
        Assert.NotNull(withdrawn);
        Assert.Equal(1, queue.InFlight);
        queue.Forget(withdrawn.EngagementId);

        Assert.Equal(0, queue.InFlight);
        Assert.Equal(5, Drain(queue, Start).Count);
        Assert.Equal(0, queue.Waiting);
    }

    [Fact]
    public void Offering_a_known_engagement_again_is_refused()
    {
        var queue = new DispatchQueue(new DialerOptions(), Start);

        Assert.True(queue.Offer(Request("a")));
        Assert.False(queue.Offer(Request("a")));
        Assert.Equal(1, queue.Waiting);

        Assert.NotNull(queue.TakeNext(Start));
        Assert.False(queue.Offer(Request("a")));
        Assert.Null(queue.TakeNext(Start));
        Assert.Equal(1, queue.InFlight);
        Assert.Equal(0, queue.Waiting);
    }

    [Fact]
    public void An_engagement_released_may_be_offered_again()
    {
        var queue = new DispatchQueue(new DialerOptions(), Start);
        queue.Offer(Request("a"));
        queue.TakeNext(Start);

        Assert.True(queue.Release("a"));
        Assert.True(queue.Offer(Request("a")));
        Assert.Equal("a", queue.TakeNext(Start)?.EngagementId);
    }

    [Fact]
    public void Release_frees_a_slot_only_for_a_call_holding_one()
    {
        var queue = new DispatchQueue(new DialerOptions(), Start);
        queue.Offer(Request("waiting"));

        Assert.False(queue.Release("waiting"));
        Assert.False(queue.Release("unknown"));
        Assert.Equal(0, queue.Waiting);
        Assert.Null(queue.TakeNext(Start));
    }

    [Fact]
    public void Retry_backs_off_exponentially_and_gives_up_after_the_attempts()
    {
        var options = new DialerOptions();
        var queue = new DispatchQueue(options, Start);
        queue.Offer(Request("a"));
        var now = Start;

        for (var attempt = 1; attempt < options.MaxAttempts; attempt++)
        {
            Assert.Equal("a", queue.TakeNext(now)?.EngagementId);
            queue.Cleared("a");
            Assert.Equal(attempt, queue.Attempts("a"));

            Assert.True(queue.TryScheduleRetry("a", now));
            Assert.Equal(0, queue.InFlight);
            Assert.Equal(1, queue.Waiting);

            var backoff = options.RetryBackoff * Math.Pow(2, attempt - 1);
            Assert.Null(queue.TakeNext(now + backoff - TimeSpan.FromMilliseconds(1)));
            now += backoff;
        }

        Assert.Equal(Start + TimeSpan.FromSeconds(2 + 4 + 8 + 16 + 32), now);
        Assert.Equal("a", queue.TakeNext(now)?.EngagementId);
        queue.Cleared("a");

        Assert.False(queue.TryScheduleRetry("a", now));
        Assert.Equal(0, queue.InFlight);
        Assert.Equal(0, queue.Waiting);
        Assert.Equal(0, queue.Attempts("a"));
        Assert.Null(queue.TakeNext(now.AddHours(1)));
    }

    [Fact]
    public void A_backing_off_call_frees_its_slot_for_others()
    {
        var options = new DialerOptions { Quotas = new DialQuotas { MaxConcurrentCalls = 1 } };
        var queue = new DispatchQueue(options, Start);
        queue.Offer(Request("a", 2));
        queue.Offer(Request("b", 1));

        Assert.Equal("a", queue.TakeNext(Start)?.EngagementId);
        queue.Cleared("a");
        Assert.Null(queue.TakeNext(Start));
        queue.TryScheduleRetry("a", Start);

        Assert.Equal("b", queue.TakeNext(Start)?.EngagementId);
    }

    [Fact]
    public void Expired_placed_calls_free_their_slots_after_the_call_timeout()
    {
        var queue = new DispatchQueue(new DialerOptions(), Start);
        queue.Offer(Request("a", 2));
        queue.Offer(Request("b", 1));
        Drain(queue, Start);
        queue.Placed("a", Start);
        queue.Placed("b", Start.AddMinutes(1));

        Assert.Empty(queue.ExpireCalls(Start.AddMinutes(5).AddSeconds(-1)));
        Assert.Equal(2, queue.InFlight);

        Assert.Equal("a", Assert.Single(queue.ExpireCalls(Start.AddMinutes(5))).EngagementId);
        Assert.Equal(1, queue.InFlight);
        Assert.Equal("b", Assert.Single(queue.ExpireCalls(Start.AddMinutes(6))).EngagementId);
        Assert.Equal(0, queue.InFlight);
        Assert.Empty(queue.ExpireCalls(Start.AddHours(1)));
    }

    private static DialRequest Request(string id, double severity = 1) =>
        new(id, "+447700900123", IncidentType.CallDrop, "cell-1", 0.5, severity, Start);

    private static void OfferMany(DispatchQueue queue, int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(queue.Offer(Request($"eng-{i:D2}", count - i)));
        }
    }

    /// <summary>Takes and clears (spending a token) as the dispatcher does, until nothing more may go.</summary>
    private static List<DialRequest> Drain(DispatchQueue queue, DateTimeOffset now)
    {
        var taken = new List<DialRequest>();
        while (queue.TakeNext(now) is { } request)
        {
            queue.Cleared(request.EngagementId);
            taken.Add(request);
        }

        return taken;
    }
}
