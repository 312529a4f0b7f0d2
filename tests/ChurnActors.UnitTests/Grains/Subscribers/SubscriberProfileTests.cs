using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Subscribers;
using ChurnActors.Records;

namespace ChurnActors.UnitTests.Grains.Subscribers;

public sealed class SubscriberProfileTests
{
    private const string Msisdn = "+447700900123";
    private const string OtherMsisdn = "+447700900999";
    private const string Cell = "ECGI-234-15-1234-56";
    private const string Tac = "35693803";
    private const string Vendor = "Ericsson";

    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(5);
    private static readonly IReadOnlyList<TimeZoneInfo> InLondon = [TimeZoneInfo.FindSystemTimeZoneById("Europe/London")];

    private int _events;

    [Fact]
    public void Creates_a_subscriber_once_at_the_start_sentiment()
    {
        var profile = new SubscriberProfile(new SubscriberState(), new DetectionOptions(), new ContactPolicy(new ContactPolicyOptions()), new SentimentRule(new SentimentOptions()), InLondon);
        Assert.False(profile.IsKnown);

        profile.EnsureCreated(Msisdn, Start);
        profile.EnsureCreated(OtherMsisdn, Start.AddDays(1));

        Assert.True(profile.IsKnown);
        Assert.Equal(Msisdn, profile.State.Msisdn);
        Assert.Equal(Start, profile.State.FirstSeen);
        Assert.Equal(10, profile.State.Sentiment);
    }

    [Fact]
    public void Ok_sessions_are_counted_without_records()
    {
        var profile = NewProfile();
        var effects = new ProfileEffects();

        Assert.Equal(EventOutcome.Counted, profile.Record(Event(failed: false, Start), Start, effects));

        Assert.True(effects.Changed);
        Assert.Empty(effects.Records);
        Assert.Empty(effects.Offers);
        Assert.Equal(1, profile.ToView(Start).Types[0].Sessions);
    }

    [Fact]
    public void A_fail_below_the_minimum_sample_is_an_incident_but_not_a_decision()
    {
        var profile = NewProfile();
        var effects = new ProfileEffects();

        Assert.Equal(EventOutcome.Incident, profile.Record(Event(failed: true, Start), Start, effects));

        var incident = Assert.IsType<IncidentRecord>(Assert.Single(effects.Records));
        Assert.Equal(1.0, incident.FailRate);
        Assert.Equal(1, incident.WindowSessions);
        Assert.Empty(profile.State.Engagements);
        Assert.Empty(effects.Offers);
        Assert.Equal(1, effects.CellIncidents[Cell].CallDrop);
    }

    [Fact]
    public void A_fail_above_the_threshold_creates_one_engagement_and_offers_it()
    {
        var profile = NewProfile();

        var (engagement, effects) = Exceed(profile, Start);

        Assert.Equal(EngagementStatus.Pending, Assert.Single(profile.State.Engagements).Status);
        Assert.True(EngagementIds.BelongsTo(engagement.Id, Msisdn));
        Assert.Equal(0.2, engagement.FailRate, 12);
        Assert.Equal(0.04, engagement.Severity, 12);
        Assert.Equal(Start, engagement.CreatedAt);
        Assert.Equal(Tac, engagement.DeviceTac);
        Assert.Equal(Vendor, engagement.Vendor);

        var offer = Assert.Single(effects.Offers);
        Assert.Equal(engagement.Id, offer.EngagementId);
        Assert.Equal(Msisdn, offer.Msisdn);
        Assert.Equal(IncidentType.CallDrop, offer.Type);
        Assert.Equal(Cell, offer.Cell);
        Assert.Equal(engagement.Severity, offer.Severity);

        Assert.Equal(2, effects.Records.Count);
        var incident = Assert.IsType<IncidentRecord>(effects.Records[0]);
        Assert.Equal(0.2, incident.FailRate, 12);
        Assert.Equal(5, incident.WindowSessions);
        Assert.Equal(Msisdn, incident.Msisdn);
        var decision = Assert.IsType<EngagementRecord>(effects.Records[1]);
        Assert.Equal(engagement.Id, decision.EngagementId);
        Assert.Equal(EngagementStatus.Pending, decision.Status);
        Assert.Equal("threshold exceeded; within calling hours", decision.Reason);

        Assert.Equal((null, EngagementStatus.Pending), Assert.Single(effects.StatusChanges));
        Assert.True(profile.HasOpenEngagements);
        Assert.True(Assert.Single(profile.ToView(Start).Decisions).Engaged);
    }

    [Fact]
    public void A_second_exceeding_fail_while_the_first_is_open_is_suppressed()
    {
        var profile = NewProfile();
        var (first, _) = Exceed(profile, Start);
        var effects = new ProfileEffects();

        Assert.Equal(EventOutcome.Incident, profile.Record(Event(failed: true, Start.AddMinutes(1)), Start.AddMinutes(1), effects));

        Assert.Same(first, Assert.Single(profile.State.Engagements));
        Assert.Empty(effects.Offers);
        var decision = Assert.Single(effects.Records.OfType<EngagementRecord>());
        Assert.Null(decision.EngagementId);
        Assert.Equal(EngagementStatus.Suppressed, decision.Status);
        Assert.Equal($"engagement {first.Id} is still in flight", decision.Reason);
        Assert.Equal((null, EngagementStatus.Suppressed), Assert.Single(effects.StatusChanges));
        Assert.False(Assert.Single(profile.ToView(Start.AddMinutes(1)).Decisions).Engaged);
    }

    [Fact]
    public void A_duplicate_event_is_recognised_and_changes_nothing()
    {
        var profile = NewProfile();
        var probe = Event(failed: true, Start);
        profile.Record(probe, Start, new ProfileEffects());
        var effects = new ProfileEffects();

        Assert.Equal(EventOutcome.Duplicate, profile.Record(probe, Start, effects));
        Assert.Equal(EventOutcome.Duplicate, profile.Record(probe with { Failed = false }, Start, effects));

        Assert.False(effects.Changed);
        Assert.Empty(effects.Records);
        Assert.Empty(effects.CellIncidents);
        var view = profile.ToView(Start).Types[0];
        Assert.Equal(1, view.Sessions);
        Assert.Equal(1, view.Failures);
    }

    [Fact]
    public void An_event_outside_the_window_is_neither_counted_nor_remembered()
    {
        var profile = NewProfile();
        var probe = Event(failed: true, Start.AddMinutes(-20));
        var effects = new ProfileEffects();

        Assert.Equal(EventOutcome.OutsideWindow, profile.Record(probe, Start, effects));

        Assert.False(effects.Changed);
        Assert.Empty(effects.Records);
        Assert.Equal(EventOutcome.Incident, profile.Record(probe with { Timestamp = Start }, Start, new ProfileEffects()));
    }

    [Fact]
    public void Each_type_has_its_own_window_and_threshold()
    {
        var profile = NewProfile();
        for (var i = 0; i < 10; i++)
        {
            profile.Record(Event(failed: false, Start.AddMinutes(-50 + i), IncidentType.VideoStalling), Start, new ProfileEffects());
        }

        profile.Record(Event(failed: true, Start.AddMinutes(-40), IncidentType.VideoStalling), Start, new ProfileEffects());

        var view = profile.ToView(Start);
        var video = view.Types.Single(t => t.Type == "VIDEO_STALLING");
        Assert.Equal(11, video.Sessions);
        Assert.Equal(1, video.Failures);
        Assert.Equal(0.11, video.Threshold);
        Assert.Equal(TimeSpan.FromMinutes(60), video.Window);
        Assert.Equal(0, view.Types.Single(t => t.Type == "CALL_DROP").Sessions);
    }

    [Fact]
    public void An_exceeding_fail_outside_calling_hours_is_deferred_without_an_offer()
    {
        var profile = NewProfile();
        var evening = new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);

        var (engagement, effects) = Exceed(profile, evening);

        Assert.Equal(EngagementStatus.Deferred, engagement.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), engagement.DueAt);
        Assert.Empty(effects.Offers);
        Assert.Equal(engagement.DueAt, profile.NextDue);
    }

    [Fact]
    public void Clear_for_dial_moves_a_pending_engagement_to_dialing()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        var effects = new ProfileEffects();

        Assert.Equal(DialClearance.Cleared, profile.ClearForDial(engagement.Id, Start.AddSeconds(1), effects));

        Assert.Equal(EngagementStatus.Dialing, engagement.Status);
        Assert.Equal(1, engagement.DialAttempts);
        Assert.True(effects.Changed);
        Assert.Equal((EngagementStatus.Pending, EngagementStatus.Dialing), Assert.Single(effects.StatusChanges));
        Assert.Equal(EngagementStatus.Dialing, Assert.IsType<EngagementRecord>(Assert.Single(effects.Records)).Status);
    }

    [Fact]
    public void Clear_for_dial_again_after_a_lost_dispatcher_is_still_cleared()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        profile.ClearForDial(engagement.Id, Start.AddSeconds(1), new ProfileEffects());
        var effects = new ProfileEffects();

        Assert.Equal(DialClearance.Cleared, profile.ClearForDial(engagement.Id, Start.AddMinutes(3), effects));

        Assert.Equal(EngagementStatus.Dialing, engagement.Status);
        Assert.Equal(2, engagement.DialAttempts);
        Assert.Equal(Start.AddMinutes(3), engagement.StatusSince);
        Assert.True(effects.Changed);
    }

    [Fact]
    public void Clear_for_dial_of_a_closed_or_unknown_engagement_is_withdrawn()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        profile.MarkEnded(engagement.Id, CallEnd.NoAnswer, "no answer", Start.AddMinutes(1), new ProfileEffects());
        var effects = new ProfileEffects();

        Assert.Equal(DialClearance.Withdrawn, profile.ClearForDial(engagement.Id, Start.AddMinutes(2), effects));
        Assert.Equal(DialClearance.Withdrawn, profile.ClearForDial(EngagementIds.New(Msisdn), Start.AddMinutes(2), effects));

        Assert.Equal(EngagementStatus.NoAnswer, engagement.Status);
        Assert.False(effects.Changed);
        Assert.Empty(effects.Records);
    }

    [Fact]
    public void Clear_for_dial_outside_calling_hours_is_not_now_and_defers()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        var late = new DateTimeOffset(2026, 11, 25, 20, 30, 0, TimeSpan.Zero);
        var effects = new ProfileEffects();

        Assert.Equal(DialClearance.NotNow, profile.ClearForDial(engagement.Id, late, effects));

        Assert.Equal(EngagementStatus.Deferred, engagement.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), engagement.DueAt);
        Assert.Equal(0, engagement.DialAttempts);
        Assert.Equal("calling hours closed before dialling; due 2026-11-26T09:00:00Z", engagement.Reason);
        Assert.True(effects.Changed);
    }

    [Fact]
    public void Opting_out_cancels_pending_and_deferred_engagements()
    {
        var profile = NewProfile();
        var pending = AddEngagement(profile, EngagementStatus.Pending, Start);
        var deferred = AddEngagement(profile, EngagementStatus.Deferred, Start);
        var placed = AddEngagement(profile, EngagementStatus.Placed, Start);
        var effects = new ProfileEffects();

        profile.SetOptOut(true, Start.AddMinutes(1), effects);

        Assert.True(profile.State.OptOut);
        Assert.Equal(EngagementStatus.Cancelled, pending.Status);
        Assert.Equal(EngagementStatus.Cancelled, deferred.Status);
        Assert.Equal("subscriber opted out of calls", pending.Reason);
        Assert.Equal(EngagementStatus.Placed, placed.Status);
        Assert.Equal(2, effects.Records.OfType<EngagementRecord>().Count(r => r.Status == EngagementStatus.Cancelled));
        Assert.Equal(DialClearance.Withdrawn, profile.ClearForDial(pending.Id, Start.AddMinutes(2), new ProfileEffects()));
    }

    [Fact]
    public void Clear_for_dial_after_opting_out_withdraws_and_cancels_a_dialing_engagement()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        profile.ClearForDial(engagement.Id, Start, new ProfileEffects());
        profile.SetOptOut(true, Start.AddMinutes(1), new ProfileEffects());
        var effects = new ProfileEffects();

        Assert.Equal(DialClearance.Withdrawn, profile.ClearForDial(engagement.Id, Start.AddMinutes(3), effects));

        Assert.Equal(EngagementStatus.Cancelled, engagement.Status);
        Assert.Equal("subscriber opted out of calls", engagement.Reason);
        Assert.True(effects.Changed);
    }

    [Fact]
    public void An_opted_out_subscriber_is_never_engaged()
    {
        var profile = NewProfile();
        profile.SetOptOut(true, Start, new ProfileEffects());

        var effects = new ProfileEffects();
        for (var i = 4; i >= 0; i--)
        {
            profile.Record(Event(failed: true, Start.AddMinutes(-i)), Start, effects);
        }

        Assert.Empty(profile.State.Engagements);
        Assert.Empty(effects.Offers);
        Assert.Equal("subscriber opted out of calls", Assert.Single(effects.Records.OfType<EngagementRecord>()).Reason);
    }

    [Fact]
    public void Setting_the_same_opt_out_again_changes_nothing()
    {
        var profile = NewProfile();
        var effects = new ProfileEffects();

        profile.SetOptOut(false, Start, effects);

        Assert.False(effects.Changed);
        Assert.False(profile.State.OptOut);
    }

    [Fact]
    public void Sweep_offers_a_deferred_engagement_once_it_is_due()
    {
        var profile = NewProfile();
        var evening = new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);
        var (engagement, _) = Exceed(profile, evening);
        var due = engagement.DueAt!.Value;

        var early = new ProfileEffects();
        profile.Sweep(due.AddSeconds(-1), CallTimeout, early);
        Assert.Empty(early.Offers);
        Assert.Equal(EngagementStatus.Deferred, engagement.Status);

        var effects = new ProfileEffects();
        profile.Sweep(due, CallTimeout, effects);

        Assert.Equal(EngagementStatus.Pending, engagement.Status);
        Assert.Equal(engagement.Id, Assert.Single(effects.Offers).EngagementId);
        Assert.Equal((EngagementStatus.Deferred, EngagementStatus.Pending), Assert.Single(effects.StatusChanges));
        Assert.True(effects.Changed);
    }

    [Fact]
    public void Sweep_offers_a_pending_engagement_again()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        var effects = new ProfileEffects();

        profile.Sweep(Start.AddMinutes(1), CallTimeout, effects);

        Assert.Equal(engagement.Id, Assert.Single(effects.Offers).EngagementId);
        Assert.Equal(EngagementStatus.Pending, engagement.Status);
        Assert.False(effects.Changed);
    }

    [Fact]
    public void Sweep_offers_a_stalled_dialing_engagement_again_after_ten_seconds()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        profile.ClearForDial(engagement.Id, Start, new ProfileEffects());
        Assert.True(profile.AwaitsDispatch);

        var early = new ProfileEffects();
        profile.Sweep(Start.AddSeconds(10), CallTimeout, early);
        Assert.Empty(early.Offers);

        var effects = new ProfileEffects();
        profile.Sweep(Start.AddSeconds(11), CallTimeout, effects);
        Assert.Equal(engagement.Id, Assert.Single(effects.Offers).EngagementId);
    }

    [Fact]
    public void Sweep_closes_a_placed_call_with_no_outcome_after_the_call_timeout_and_two_minutes()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Assert.True(profile.AwaitsDispatch);
        Place(profile, engagement, Start);

        // Placed, it waits for its answer, not for the dispatcher: the reminder slows to its minute.
        Assert.False(profile.AwaitsDispatch);
        Assert.True(profile.HasOpenEngagements);

        var early = new ProfileEffects();
        profile.Sweep(Start + CallTimeout + TimeSpan.FromMinutes(2), CallTimeout, early);
        Assert.Equal(EngagementStatus.Placed, engagement.Status);
        Assert.False(early.Changed);

        var effects = new ProfileEffects();
        profile.Sweep(Start + CallTimeout + TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1), CallTimeout, effects);

        Assert.Equal(EngagementStatus.NoAnswer, engagement.Status);
        Assert.Equal("no call outcome reported", engagement.Reason);
        Assert.Empty(effects.Offers);
        Assert.Equal((EngagementStatus.Placed, EngagementStatus.NoAnswer), Assert.Single(effects.StatusChanges));
        Assert.False(profile.HasOpenEngagements);
    }

    [Fact]
    public void A_placed_call_records_its_contact()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        profile.ClearForDial(engagement.Id, Start, new ProfileEffects());
        var effects = new ProfileEffects();

        profile.MarkPlaced(engagement.Id, "contact-1", Start, effects);

        Assert.Equal(EngagementStatus.Placed, engagement.Status);
        Assert.Equal("contact-1", engagement.ContactId);
        Assert.Equal(1, effects.CallsPlaced);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    public void Feedback_with_a_score_outside_one_to_five_is_refused(int score)
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        var effects = new ProfileEffects();

        var result = profile.ApplyFeedback(Feedback(engagement.Id, score), Start.AddMinutes(1), effects);

        Assert.Equal(FeedbackOutcome.ScoreOutOfRange, result.Outcome);
        Assert.Equal($"score {score} is outside 1–5", result.Detail);
        Assert.Null(result.SentimentAfter);
        AssertNothingChanged(profile, effects, engagement, EngagementStatus.Placed);
    }

    [Fact]
    public void Feedback_for_an_engagement_this_number_does_not_have_is_unknown()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        var effects = new ProfileEffects();
        var unknown = EngagementIds.New(Msisdn);

        var result = profile.ApplyFeedback(Feedback(unknown, 3), Start.AddMinutes(1), effects);

        Assert.Equal(FeedbackOutcome.UnknownEngagement, result.Outcome);
        Assert.Equal($"engagement {unknown} is not known for this number", result.Detail);
        AssertNothingChanged(profile, effects, engagement, EngagementStatus.Placed);
    }

    [Fact]
    public void Feedback_for_another_numbers_engagement_is_a_mismatch()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        var effects = new ProfileEffects();
        var foreign = EngagementIds.New(OtherMsisdn);

        var result = profile.ApplyFeedback(Feedback(foreign, 3), Start.AddMinutes(1), effects);

        Assert.Equal(FeedbackOutcome.NumberMismatch, result.Outcome);
        Assert.Equal($"engagement {foreign} does not belong to this number", result.Detail);
        AssertNothingChanged(profile, effects, engagement, EngagementStatus.Placed);
    }

    [Fact]
    public void Feedback_before_dialling_is_not_awaited()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        var effects = new ProfileEffects();

        var result = profile.ApplyFeedback(Feedback(engagement.Id, 3), Start.AddMinutes(1), effects);

        Assert.Equal(FeedbackOutcome.NotAwaitingFeedback, result.Outcome);
        Assert.Equal($"engagement {engagement.Id} is pending, not waiting for an answer", result.Detail);
        AssertNothingChanged(profile, effects, engagement, EngagementStatus.Pending);
    }

    [Fact]
    public void The_first_answer_is_recorded_and_moves_sentiment()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        var answeredAt = Start.AddMinutes(1);
        var effects = new ProfileEffects();

        var result = profile.ApplyFeedback(Feedback(engagement.Id, 4, answeredAt: answeredAt), answeredAt, effects);

        Assert.Equal(FeedbackOutcome.Recorded, result.Outcome);
        Assert.Equal(8, result.SentimentAfter);
        Assert.Equal(8, profile.State.Sentiment);
        Assert.Equal(EngagementStatus.Answered, engagement.Status);
        Assert.Equal(4, engagement.Score);
        Assert.Equal("contact-1", engagement.ContactId);
        Assert.False(profile.HasOpenEngagements);

        Assert.True(effects.Changed);
        Assert.Equal(1, effects.FeedbackReceived);
        Assert.Equal(engagement.Id, Assert.Single(effects.Released));
        Assert.Equal((Cell, -2, answeredAt), Assert.Single(effects.CellSentiment));
        Assert.Equal(EngagementStatus.Answered, Assert.Single(effects.Records.OfType<EngagementRecord>()).Status);
        Assert.Equal(
            new FeedbackRecord(engagement.Id, "contact-1", answeredAt, Msisdn, Cell, 4),
            Assert.Single(effects.Records.OfType<FeedbackRecord>()));
        Assert.Equal(
            new SentimentRecord(engagement.Id, answeredAt, Msisdn, Cell, Tac, Vendor, IncidentType.CallDrop, 4, 10, 8, -2),
            Assert.Single(effects.Records.OfType<SentimentRecord>()));

        Assert.Equal(new StoredFeedback(engagement.Id, "contact-1", 4, answeredAt), Assert.Single(profile.State.Feedback));
        var change = Assert.Single(profile.State.SentimentHistory);
        Assert.Equal((10, 8, engagement.Id), (change.Before, change.After, change.EngagementId));
    }

    [Fact]
    public void The_same_answer_again_is_already_recorded_and_changes_nothing()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        profile.ApplyFeedback(Feedback(engagement.Id, 4), Start.AddMinutes(1), new ProfileEffects());
        var effects = new ProfileEffects();

        var result = profile.ApplyFeedback(Feedback(engagement.Id, 4), Start.AddMinutes(2), effects);

        Assert.Equal(FeedbackOutcome.AlreadyRecorded, result.Outcome);
        Assert.Equal(8, result.SentimentAfter);
        Assert.Equal(8, profile.State.Sentiment);
        Assert.Single(profile.State.Feedback);
        Assert.Single(profile.State.SentimentHistory);
        AssertNothingChanged(profile, effects, engagement, EngagementStatus.Answered, sentiment: 8);
    }

    [Theory]
    [InlineData("contact-2", 4)]
    [InlineData("contact-1", 5)]
    public void A_different_answer_to_an_answered_engagement_is_refused(string contactId, int score)
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        profile.ApplyFeedback(Feedback(engagement.Id, 4), Start.AddMinutes(1), new ProfileEffects());
        var effects = new ProfileEffects();

        var result = profile.ApplyFeedback(Feedback(engagement.Id, score, contactId), Start.AddMinutes(2), effects);

        Assert.Equal(FeedbackOutcome.AlreadyAnswered, result.Outcome);
        Assert.Equal($"engagement {engagement.Id} was answered already", result.Detail);
        Assert.Equal(8, profile.State.Sentiment);
        Assert.Equal(4, engagement.Score);
        AssertNothingChanged(profile, effects, engagement, EngagementStatus.Answered, sentiment: 8);
    }

    [Fact]
    public void A_late_answer_after_no_answer_is_accepted()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        profile.Sweep(Start.AddMinutes(8), CallTimeout, new ProfileEffects());
        Assert.Equal(EngagementStatus.NoAnswer, engagement.Status);
        var effects = new ProfileEffects();

        var result = profile.ApplyFeedback(Feedback(engagement.Id, 2), Start.AddMinutes(9), effects);

        Assert.Equal(FeedbackOutcome.Recorded, result.Outcome);
        Assert.Equal(9, result.SentimentAfter);
        Assert.Equal(EngagementStatus.Answered, engagement.Status);
        Assert.Equal((EngagementStatus.NoAnswer, EngagementStatus.Answered), Assert.Single(effects.StatusChanges));
    }

    [Fact]
    public void Feedback_on_a_dialing_engagement_is_accepted()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        profile.ClearForDial(engagement.Id, Start, new ProfileEffects());

        var result = profile.ApplyFeedback(Feedback(engagement.Id, 1), Start.AddMinutes(1), new ProfileEffects());

        Assert.Equal(FeedbackOutcome.Recorded, result.Outcome);
        Assert.Equal(10, result.SentimentAfter);
    }

    [Fact]
    public void Feedback_on_a_cancelled_engagement_is_not_awaited()
    {
        var profile = NewProfile();
        var cancelled = AddEngagement(profile, EngagementStatus.Cancelled, Start);
        var effects = new ProfileEffects();

        var result = profile.ApplyFeedback(Feedback(cancelled.Id, 3), Start, effects);

        Assert.Equal(FeedbackOutcome.NotAwaitingFeedback, result.Outcome);
        Assert.False(effects.Changed);
    }

    [Fact]
    public void After_an_answered_engagement_the_cooldown_suppresses_a_new_one()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        profile.ApplyFeedback(Feedback(engagement.Id, 4), Start.AddMinutes(1), new ProfileEffects());
        var later = Start.AddDays(1);

        var effects = new ProfileEffects();
        for (var i = 4; i >= 0; i--)
        {
            profile.Record(Event(failed: true, later.AddMinutes(-i)), later, effects);
        }

        Assert.Single(profile.State.Engagements);
        Assert.Empty(effects.Offers);
        Assert.StartsWith($"cooldown after engagement {engagement.Id}", Assert.Single(effects.Records.OfType<EngagementRecord>()).Reason);

        var (next, nextEffects) = Exceed(profile, Start.AddDays(7));
        Assert.NotEqual(engagement.Id, next.Id);
        Assert.Single(nextEffects.Offers);
    }

    [Fact]
    public void Feedback_and_sentiment_histories_stay_within_their_caps()
    {
        var profile = NewProfile();
        var engagements = Enumerable.Range(0, 25).Select(i => AddEngagement(profile, EngagementStatus.Placed, Start.AddMinutes(i))).ToList();

        for (var i = 0; i < engagements.Count; i++)
        {
            var result = profile.ApplyFeedback(Feedback(engagements[i].Id, 2, $"contact-{i}"), Start.AddMinutes(30 + i), new ProfileEffects());
            Assert.Equal(FeedbackOutcome.Recorded, result.Outcome);
        }

        Assert.Equal(SubscriberProfile.KeptFeedback, profile.State.Feedback.Count);
        Assert.Equal(SubscriberProfile.KeptSentimentChanges, profile.State.SentimentHistory.Count);
        Assert.Equal(engagements[^1].Id, profile.State.Feedback[^1].EngagementId);
        Assert.Equal(engagements[15].Id, profile.State.Feedback[0].EngagementId);
        Assert.Equal(engagements[5].Id, profile.State.SentimentHistory[0].EngagementId);
        Assert.Equal(0, profile.State.Sentiment);
        Assert.Equal((0, 0), (profile.State.SentimentHistory[^1].Before, profile.State.SentimentHistory[^1].After));
    }

    [Fact]
    public void Sentiment_recovers_after_a_quiet_period()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);
        Place(profile, engagement, Start);
        profile.ApplyFeedback(Feedback(engagement.Id, 5), Start, new ProfileEffects());

        Assert.False(profile.Recover(Start.AddDays(29)));
        Assert.Equal(8, profile.ToView(Start.AddDays(29)).Sentiment);
        Assert.Equal(9, profile.ToView(Start.AddDays(30)).Sentiment);

        Assert.True(profile.Recover(Start.AddDays(31)));
        Assert.Equal(9, profile.State.Sentiment);
        Assert.Equal(Start.AddDays(30), profile.State.SentimentSince);
        var step = profile.State.SentimentHistory[^1];
        Assert.Null(step.EngagementId);
        Assert.Equal("recovery after a quiet period", step.Cause);
        Assert.Equal((8, 9), (step.Before, step.After));
    }

    [Fact]
    public void An_exceeding_fail_is_decided_for_a_number_whose_zones_never_share_calling_hours()
    {
        // A North American toll-free number maps to zones from Guam (UTC+10) to St John's (UTC−2:30 in
        // summer): with the default 09:00–20:00 hours no instant in July is open in all of them.
        const string tollFree = "+18005551234";
        Assert.True(MsisdnNormalizer.TryNormalize(tollFree, out _));
        var july = new DateTimeOffset(2026, 7, 15, 12, 0, 0, TimeSpan.Zero);
        var profile = new SubscriberProfile(new SubscriberState(), new DetectionOptions(), new ContactPolicy(new ContactPolicyOptions()), new SentimentRule(new SentimentOptions()), SubscriberZones.For(tollFree));
        profile.EnsureCreated(tollFree, july);
        var effects = new ProfileEffects();

        var exception = Record.Exception(() =>
        {
            for (var i = 4; i >= 0; i--)
            {
                profile.Record(Event(failed: i == 0, july.AddMinutes(-i)) with { Msisdn = tollFree }, july, effects);
            }
        });

        Assert.Null(exception);
        Assert.Single(effects.Records.OfType<EngagementRecord>());
    }

    [Fact]
    public void Keeps_at_most_ten_engagements_dropping_the_oldest_closed_beyond_the_cap_period()
    {
        var profile = NewProfile();
        var old = Enumerable.Range(0, 10).Select(i => AddEngagement(profile, EngagementStatus.Answered, Start.AddDays(-100 + i))).ToList();

        var (engagement, _) = Exceed(profile, Start);

        Assert.Equal(SubscriberProfile.KeptEngagements, profile.State.Engagements.Count);
        Assert.DoesNotContain(old[0], profile.State.Engagements);
        Assert.Contains(old[1], profile.State.Engagements);
        Assert.Contains(engagement, profile.State.Engagements);
    }

    [Fact]
    public void The_view_shows_rates_against_thresholds_and_the_engagements()
    {
        var profile = NewProfile();
        var (engagement, _) = Exceed(profile, Start);

        var view = profile.ToView(Start);

        Assert.Equal(Msisdn, view.Msisdn);
        var callDrop = view.Types.Single(t => t.Type == "CALL_DROP");
        Assert.Equal((5, 1, 0.16, Cell, Tac, Vendor), (callDrop.Sessions, callDrop.Failures, callDrop.Threshold, callDrop.LastCell, callDrop.LastDeviceTac, callDrop.LastVendor));
        Assert.Equal(0.2, callDrop.FailRate, 12);
        Assert.Equal(engagement.Id, Assert.Single(view.Engagements).EngagementId);
        Assert.Equal("pending", view.Engagements[0].Status);
        Assert.Equal(10, view.Sentiment);
        Assert.Equal("Europe/London", view.TimeZone);
        Assert.Equal(Cell, view.LastCell);
        Assert.False(view.OptOut);
    }

    private static SubscriberProfile NewProfile(ContactPolicyOptions? policy = null)
    {
        var profile = new SubscriberProfile(
            new SubscriberState(),
            new DetectionOptions(),
            new ContactPolicy(policy ?? new ContactPolicyOptions()),
            new SentimentRule(new SentimentOptions()),
            InLondon);
        profile.EnsureCreated(Msisdn, Start);
        return profile;
    }

    private ProbeEvent Event(bool failed, DateTimeOffset at, IncidentType type = IncidentType.CallDrop) =>
        new($"evt-{++_events}", Msisdn, type, failed, at, Cell, Tac, Vendor);

    /// <summary>Four OK sessions then a FAIL: 1 ÷ 5 = 0.2 exceeds CALL_DROP's 0.16 on the minimum sample.</summary>
    private (Engagement Engagement, ProfileEffects Effects) Exceed(SubscriberProfile profile, DateTimeOffset now)
    {
        for (var i = 4; i >= 1; i--)
        {
            Assert.Equal(EventOutcome.Counted, profile.Record(Event(failed: false, now.AddMinutes(-i)), now, new ProfileEffects()));
        }

        var effects = new ProfileEffects();
        Assert.Equal(EventOutcome.Incident, profile.Record(Event(failed: true, now), now, effects));
        var id = Assert.Single(effects.Records.OfType<EngagementRecord>()).EngagementId;
        Assert.NotNull(id);
        return (profile.State.Engagements.Single(e => e.Id == id), effects);
    }

    private static void Place(SubscriberProfile profile, Engagement engagement, DateTimeOffset now)
    {
        Assert.Equal(DialClearance.Cleared, profile.ClearForDial(engagement.Id, now, new ProfileEffects()));
        profile.MarkPlaced(engagement.Id, "contact-1", now, new ProfileEffects());
        Assert.Equal(EngagementStatus.Placed, engagement.Status);
    }

    private static Engagement AddEngagement(SubscriberProfile profile, EngagementStatus status, DateTimeOffset createdAt)
    {
        var engagement = new Engagement
        {
            Id = EngagementIds.New(Msisdn),
            Type = IncidentType.CallDrop,
            Cell = Cell,
            DeviceTac = Tac,
            Vendor = Vendor,
            FailRate = 0.5,
            Severity = 1,
            CreatedAt = createdAt,
            Status = status,
            StatusSince = createdAt,
            DueAt = status == EngagementStatus.Deferred ? createdAt.AddHours(1) : null,
        };
        profile.State.Engagements.Add(engagement);
        return engagement;
    }

    private static FeedbackReport Feedback(string engagementId, int score, string contactId = "contact-1", DateTimeOffset? answeredAt = null) =>
        new(contactId, engagementId, Msisdn, score, answeredAt ?? Start.AddMinutes(1));

    private static void AssertNothingChanged(SubscriberProfile profile, ProfileEffects effects, Engagement engagement, EngagementStatus status, int sentiment = 10)
    {
        Assert.False(effects.Changed);
        Assert.Empty(effects.Records);
        Assert.Empty(effects.Released);
        Assert.Empty(effects.CellSentiment);
        Assert.Equal(0, effects.FeedbackReceived);
        Assert.Equal(status, engagement.Status);
        Assert.Equal(sentiment, profile.State.Sentiment);
    }
}
