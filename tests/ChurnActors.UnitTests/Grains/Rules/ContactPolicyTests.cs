using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Subscribers;

namespace ChurnActors.UnitTests.Grains.Rules;

public sealed class ContactPolicyTests
{
    private const string Msisdn = "+447700900123";
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo London = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
    private static readonly IReadOnlyList<TimeZoneInfo> InLondon = [London];

    [Fact]
    public void Engages_within_calling_hours_when_nothing_stands_in_the_way()
    {
        var verdict = new ContactPolicy(new ContactPolicyOptions()).Evaluate(new SubscriberState(), Now, InLondon);

        Assert.True(verdict.Engage);
        Assert.Equal(EngagementStatus.Pending, verdict.Status);
        Assert.Equal("threshold exceeded; within calling hours", verdict.Reason);
        Assert.Null(verdict.DueAt);
    }

    [Fact]
    public void Opt_out_always_suppresses()
    {
        var state = new SubscriberState { OptOut = true };
        state.Engagements.Add(Engagement(EngagementStatus.Pending, Now.AddMinutes(-1)));

        var verdict = new ContactPolicy(new ContactPolicyOptions()).Evaluate(state, Now, InLondon);

        Assert.False(verdict.Engage);
        Assert.Equal(EngagementStatus.Suppressed, verdict.Status);
        Assert.Equal("subscriber opted out of calls", verdict.Reason);
        Assert.Null(verdict.DueAt);
    }

    [Theory]
    [InlineData(EngagementStatus.Deferred)]
    [InlineData(EngagementStatus.Pending)]
    [InlineData(EngagementStatus.Dialing)]
    [InlineData(EngagementStatus.Placed)]
    public void An_engagement_in_flight_suppresses_another(EngagementStatus status)
    {
        var state = new SubscriberState();
        var open = Engagement(status, Now.AddDays(-20));
        state.Engagements.Add(open);

        var verdict = new ContactPolicy(new ContactPolicyOptions()).Evaluate(state, Now, InLondon);

        Assert.False(verdict.Engage);
        Assert.Equal(EngagementStatus.Suppressed, verdict.Status);
        Assert.Equal($"engagement {open.Id} is still in flight", verdict.Reason);
    }

    [Fact]
    public void Cooldown_suppresses_for_seven_days_after_an_engagement()
    {
        var state = new SubscriberState();
        var last = Engagement(EngagementStatus.Answered, Now.AddDays(-6));
        state.Engagements.Add(last);

        var verdict = new ContactPolicy(new ContactPolicyOptions()).Evaluate(state, Now, InLondon);

        Assert.False(verdict.Engage);
        Assert.Equal(EngagementStatus.Suppressed, verdict.Status);
        Assert.Equal($"cooldown after engagement {last.Id} until 2026-11-26T12:00:00Z", verdict.Reason);
    }

    [Fact]
    public void Cooldown_lifts_seven_days_after_the_engagement()
    {
        var state = new SubscriberState();
        state.Engagements.Add(Engagement(EngagementStatus.NoAnswer, Now.AddDays(-7)));
        var policy = new ContactPolicy(new ContactPolicyOptions());

        Assert.False(policy.Evaluate(state, Now.AddSeconds(-1), InLondon).Engage);
        Assert.True(policy.Evaluate(state, Now, InLondon).Engage);
    }

    [Fact]
    public void Cap_suppresses_a_third_engagement_within_thirty_days()
    {
        var state = new SubscriberState();
        state.Engagements.Add(Engagement(EngagementStatus.Answered, Now.AddDays(-20)));
        state.Engagements.Add(Engagement(EngagementStatus.Failed, Now.AddDays(-10)));
        var policy = new ContactPolicy(new ContactPolicyOptions { Cooldown = TimeSpan.FromDays(1) });

        var verdict = policy.Evaluate(state, Now, InLondon);

        Assert.False(verdict.Engage);
        Assert.Equal(EngagementStatus.Suppressed, verdict.Status);
        Assert.Equal("cap of 2 engagements per 30 days reached", verdict.Reason);
    }

    [Fact]
    public void Cap_is_over_a_rolling_thirty_days()
    {
        var state = new SubscriberState();
        state.Engagements.Add(Engagement(EngagementStatus.Answered, Now.AddDays(-30)));
        state.Engagements.Add(Engagement(EngagementStatus.Answered, Now.AddDays(-10)));
        var policy = new ContactPolicy(new ContactPolicyOptions { Cooldown = TimeSpan.FromDays(1) });

        Assert.False(policy.Evaluate(state, Now.AddSeconds(-1), InLondon).Engage);
        Assert.True(policy.Evaluate(state, Now, InLondon).Engage);
    }

    [Fact]
    public void Cap_is_configurable()
    {
        var state = new SubscriberState();
        state.Engagements.Add(Engagement(EngagementStatus.Answered, Now.AddDays(-20)));
        state.Engagements.Add(Engagement(EngagementStatus.Answered, Now.AddDays(-10)));
        var policy = new ContactPolicy(new ContactPolicyOptions { Cooldown = TimeSpan.FromDays(1), MaxPer30Days = 3 });

        Assert.True(policy.Evaluate(state, Now, InLondon).Engage);
    }

    [Fact]
    public void Cancelled_engagements_count_neither_for_cooldown_nor_for_the_cap()
    {
        var state = new SubscriberState();
        state.Engagements.Add(Engagement(EngagementStatus.Answered, Now.AddDays(-20)));
        state.Engagements.Add(Engagement(EngagementStatus.Cancelled, Now.AddDays(-3)));
        state.Engagements.Add(Engagement(EngagementStatus.Cancelled, Now.AddHours(-1)));

        var verdict = new ContactPolicy(new ContactPolicyOptions()).Evaluate(state, Now, InLondon);

        Assert.True(verdict.Engage);
        Assert.Equal(EngagementStatus.Pending, verdict.Status);
    }

    [Fact]
    public void Before_the_calling_hours_defers_to_nine_the_same_day()
    {
        var at = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

        var verdict = new ContactPolicy(new ContactPolicyOptions()).Evaluate(new SubscriberState(), at, InLondon);

        Assert.True(verdict.Engage);
        Assert.Equal(EngagementStatus.Deferred, verdict.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), verdict.DueAt);
        Assert.Equal("threshold exceeded outside calling hours; due 2026-11-25T09:00:00Z", verdict.Reason);
    }

    [Fact]
    public void After_the_calling_hours_defers_to_nine_the_next_day()
    {
        var at = new DateTimeOffset(2026, 11, 25, 20, 30, 0, TimeSpan.Zero);

        var verdict = new ContactPolicy(new ContactPolicyOptions()).Evaluate(new SubscriberState(), at, InLondon);

        Assert.Equal(EngagementStatus.Deferred, verdict.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), verdict.DueAt);
    }

    [Fact]
    public void Calling_hours_are_in_the_subscribers_local_time_in_summer()
    {
        // 08:00 British Summer Time is 07:00 UTC; the hours open at 09:00 BST, 08:00 UTC.
        var at = new DateTimeOffset(2026, 7, 15, 7, 0, 0, TimeSpan.Zero);
        var policy = new ContactPolicy(new ContactPolicyOptions());

        var verdict = policy.Evaluate(new SubscriberState(), at, InLondon);

        Assert.Equal(EngagementStatus.Deferred, verdict.Status);
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 9, 0, 0, TimeSpan.FromHours(1)), verdict.DueAt);
        Assert.Equal(EngagementStatus.Pending, policy.Evaluate(new SubscriberState(), at.AddHours(1), InLondon).Status);
    }

    [Fact]
    public void Calling_hours_of_a_uk_number_follow_london_time()
    {
        // 08:00 British Summer Time: the number's own zone must say the hours open at 09:00 BST (08:00 UTC).
        var at = new DateTimeOffset(2026, 7, 15, 7, 0, 0, TimeSpan.Zero);

        var verdict = new ContactPolicy(new ContactPolicyOptions()).Evaluate(new SubscriberState(), at, SubscriberZones.For(Msisdn));

        Assert.Equal(EngagementStatus.Deferred, verdict.Status);
        Assert.Equal(new DateTimeOffset(2026, 7, 15, 8, 0, 0, TimeSpan.Zero), verdict.DueAt);
    }

    [Fact]
    public void Inside_the_calling_hours_is_pending()
    {
        foreach (var hour in new[] { 9, 12, 19 })
        {
            var at = new DateTimeOffset(2026, 11, 25, hour, 0, 0, TimeSpan.Zero);
            Assert.Equal(EngagementStatus.Pending, new ContactPolicy(new ContactPolicyOptions()).Evaluate(new SubscriberState(), at, InLondon).Status);
        }
    }

    [Fact]
    public void Configured_calling_hours_are_honoured()
    {
        var options = new ContactPolicyOptions { CallingHours = new CallingHoursOptions { Start = TimeSpan.FromHours(13), End = TimeSpan.FromHours(14) } };

        var verdict = new ContactPolicy(options).Evaluate(new SubscriberState(), Now, InLondon);

        Assert.Equal(EngagementStatus.Deferred, verdict.Status);
        Assert.Equal(Now.AddHours(1), verdict.DueAt);
    }

    private static Engagement Engagement(EngagementStatus status, DateTimeOffset createdAt) => new()
    {
        Id = EngagementIds.New(Msisdn),
        Type = IncidentType.CallDrop,
        Cell = "cell-1",
        Status = status,
        CreatedAt = createdAt,
        StatusSince = createdAt,
    };
}
