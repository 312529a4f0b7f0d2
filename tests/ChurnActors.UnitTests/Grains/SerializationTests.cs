using ChurnActors.Grains.Cells;
using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Subscribers;
using ChurnActors.Records;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace ChurnActors.UnitTests.Grains;

public sealed class SerializationTests : IDisposable
{
    private const string Msisdn = "+447700900123";
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<TimeZoneInfo> InLondon = [TimeZoneInfo.FindSystemTimeZoneById("Europe/London")];

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    private Serializer Serializer => _services.GetRequiredService<Serializer>();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Subscriber_state_round_trips_with_its_windows_memory_and_engagements()
    {
        var original = Profile(new SubscriberState());
        original.EnsureCreated(Msisdn, Start);
        for (var i = 0; i < 4; i++)
        {
            original.Record(Event($"ok-{i}", false, Start.AddMinutes(-10 + i), IncidentType.CallDrop), Start, new ProfileEffects());
        }

        original.Record(Event("fail-1", true, Start, IncidentType.CallDrop), Start, new ProfileEffects());
        original.Record(Event("video-1", true, Start.AddMinutes(-30), IncidentType.VideoStalling), Start, new ProfileEffects());
        var answered = original.State.Engagements.Single();
        original.ClearForDial(answered.Id, Start, new ProfileEffects());
        original.MarkPlaced(answered.Id, "contact-1", Start, new ProfileEffects());
        original.ApplyFeedback(new FeedbackReport("contact-1", answered.Id, Msisdn, 4, Start.AddMinutes(1)), Start.AddMinutes(1), new ProfileEffects());
        original.State.Engagements.Add(new Engagement
        {
            Id = EngagementIds.New(Msisdn),
            Type = IncidentType.LowBitrate,
            Cell = "cell-2",
            Status = EngagementStatus.Deferred,
            DueAt = Start.AddHours(21),
            CreatedAt = Start.AddMinutes(2),
            StatusSince = Start.AddMinutes(2),
            Reason = "threshold exceeded outside calling hours",
            IncidentEventId = "evt-x",
        });

        var copy = RoundTrip(original.State);

        Assert.Equal(Msisdn, copy.Msisdn);
        Assert.Equal(original.State.FirstSeen, copy.FirstSeen);
        Assert.Equal(8, copy.Sentiment);
        Assert.Equal(original.State.SentimentSince, copy.SentimentSince);
        var call = TimeSpan.FromMinutes(15);
        var video = TimeSpan.FromMinutes(60);
        Assert.Equal(original.State.Windows[0]!.Totals(Start, call), copy.Windows[0]!.Totals(Start, call));
        Assert.Equal((4, 1), copy.Windows[0]!.Totals(Start, call));
        Assert.Equal((0, 1), copy.Windows[3]!.Totals(Start, video));
        Assert.Null(copy.Windows[1]);
        Assert.Equal(original.State.SeenEvents!.Count, copy.SeenEvents!.Count);
        Assert.True(copy.SeenEvents.Contains("ok-0"));
        Assert.True(copy.SeenEvents.Contains("fail-1"));
        Assert.False(copy.SeenEvents.Contains("never-seen"));
        Assert.Equal(original.State.LastSessions, copy.LastSessions);
        Assert.Equal(original.State.Decisions, copy.Decisions);
        Assert.Equal(original.State.Feedback, copy.Feedback);
        Assert.Equal(original.State.SentimentHistory, copy.SentimentHistory);

        Assert.Equal(2, copy.Engagements.Count);
        for (var i = 0; i < copy.Engagements.Count; i++)
        {
            var (expected, actual) = (original.State.Engagements[i], copy.Engagements[i]);
            Assert.Equal(
                (expected.Id, expected.Type, expected.Cell, expected.DeviceTac, expected.Vendor, expected.FailRate, expected.Severity, expected.CreatedAt),
                (actual.Id, actual.Type, actual.Cell, actual.DeviceTac, actual.Vendor, actual.FailRate, actual.Severity, actual.CreatedAt));
            Assert.Equal(
                (expected.Status, expected.Reason, expected.DueAt, expected.DialAttempts, expected.ContactId, expected.StatusSince, expected.Score, expected.IncidentEventId),
                (actual.Status, actual.Reason, actual.DueAt, actual.DialAttempts, actual.ContactId, actual.StatusSince, actual.Score, actual.IncidentEventId));
        }

        Assert.Equal(EngagementStatus.Answered, copy.Engagements[0].Status);
        Assert.Equal(4, copy.Engagements[0].Score);
        Assert.Equal("contact-1", copy.Engagements[0].ContactId);
        Assert.Equal(Start.AddHours(21), copy.Engagements[1].DueAt);
    }

    [Fact]
    public void A_round_tripped_subscriber_behaves_as_before()
    {
        var original = Profile(new SubscriberState());
        original.EnsureCreated(Msisdn, Start);
        for (var i = 0; i < 5; i++)
        {
            original.Record(Event($"evt-{i}", i == 4, Start.AddMinutes(-4 + i), IncidentType.CallDrop), Start, new ProfileEffects());
        }

        var engagement = Assert.Single(original.State.Engagements);
        var restored = Profile(RoundTrip(original.State));

        Assert.True(restored.IsKnown);
        Assert.Equal(EventOutcome.Duplicate, restored.Record(Event("evt-2", false, Start, IncidentType.CallDrop), Start, new ProfileEffects()));
        var effects = new ProfileEffects();
        Assert.Equal(EventOutcome.Incident, restored.Record(Event("evt-5", true, Start, IncidentType.CallDrop), Start, effects));
        Assert.Empty(effects.Offers);
        Assert.Contains(effects.Records, r => r is EngagementRecord { Status: EngagementStatus.Suppressed } record && record.Reason.Contains(engagement.Id, StringComparison.Ordinal));
        Assert.Equal(DialClearance.Cleared, restored.ClearForDial(engagement.Id, Start.AddMinutes(1), new ProfileEffects()));
        var view = restored.ToView(Start);
        Assert.Equal((6, 2), (view.Types[0].Sessions, view.Types[0].Failures));
    }

    [Fact]
    public void Cell_aggregate_round_trips_in_exact_mode()
    {
        var original = new CellAggregate();
        original.AddIncidents("+447700900001", Start.AddHours(-2), [1, 2, 0, 0], Start);
        original.AddIncidents("+447700900002", Start, [0, 0, 3, 1], Start);
        original.AddSentiment("+447700900001", -2, Start);

        var copy = RoundTrip(original);

        AssertSameCell(original, copy, Start);
        Assert.False(copy.Estimated);
        Assert.Equal(2, copy.DistinctSubscribers(Start));
        Assert.Equal(-2, copy.ChangeSentiment);
        Assert.Equal(1, copy.Feedback);

        original.AddIncidents("+447700900001", Start, [1, 0, 0, 0], Start);
        copy.AddIncidents("+447700900001", Start, [1, 0, 0, 0], Start);
        AssertSameCell(original, copy, Start);
        Assert.Equal(2, copy.DistinctSubscribers(Start));
    }

    [Fact]
    public void Cell_aggregate_round_trips_in_sketch_mode()
    {
        var original = new CellAggregate();
        for (var i = 0; i < 5_000; i++)
        {
            original.AddIncidents($"+4477009{i:D5}", Start.AddMinutes(-(i % 300)), [1, 0, 0, 0], Start);
        }

        original.AddSentiment("+447700900007", -2, Start);

        var copy = RoundTrip(original);

        Assert.True(copy.Estimated);
        AssertSameCell(original, copy, Start);

        original.AddIncidents("+447711111111", Start, [0, 1, 0, 0], Start);
        copy.AddIncidents("+447711111111", Start, [0, 1, 0, 0], Start);
        AssertSameCell(original, copy, Start);
    }

    [Fact]
    public void An_event_id_memory_round_trips_with_its_expiries_and_its_bound()
    {
        const long now = 29_000_000;
        var original = new EventIdMemory();
        for (var i = 0; i < 20; i++)
        {
            original.Remember($"evt-{i}", now + 10 + i, now, 16);
        }

        var copy = RoundTrip(original);

        Assert.False(copy.Contains("evt-3"));
        Assert.True(copy.Contains("evt-4"));
        Assert.True(copy.IsBeyondRecall(now + 13));
        Assert.False(copy.IsBeyondRecall(now + 14));
        copy.Forget(now + 14);
        Assert.False(copy.Contains("evt-4"));
        Assert.True(copy.Contains("evt-5"));
        Assert.True(copy.Contains("evt-19"));
    }

    private T RoundTrip<T>(T value)
        where T : class
    {
        var copy = Serializer.Deserialize<T>(Serializer.SerializeToArray(value));
        Assert.NotNull(copy);
        Assert.NotSame(value, copy);
        return copy;
    }

    private static void AssertSameCell(CellAggregate expected, CellAggregate actual, DateTimeOffset now)
    {
        Assert.Equal(expected.DistinctSubscribers(now), actual.DistinctSubscribers(now));
        Assert.Equal(expected.IncidentsByType(now), actual.IncidentsByType(now));
        Assert.Equal(expected.MostAffected(50, now), actual.MostAffected(50, now));
        Assert.Equal(expected.Summarize("cell-1", now), actual.Summarize("cell-1", now), SummaryComparer.Instance);
    }

    [Fact]
    public void The_largest_subscriber_state_the_bounds_allow_stays_far_below_a_dynamodb_item()
    {
        var detection = new DetectionOptions();
        var state = new SubscriberState { Msisdn = Msisdn, FirstSeen = Start, SeenEvents = new EventIdMemory() };
        foreach (var type in IncidentTypes.All)
        {
            var window = new DetectionOptions().WindowFor(type);
            state.Windows[(int)type] = new IncidentWindow(window);
            for (var minute = 0; minute < window.TotalMinutes; minute++)
            {
                state.Windows[(int)type]!.Add(Start.AddMinutes(-minute), failed: minute % 2 == 0, Start, window);
            }

            state.LastSessions[(int)type] = new SessionDimensions(new string('c', 64), "35332510", new string('v', 64), Start);
            state.Decisions[(int)type] = new StoredDecision(type.ToWire(), Start, false, $"cooldown after engagement {EngagementIds.New(Msisdn)} until 2026-12-02T12:00:00Z");
        }

        for (var i = 0; i < detection.RememberedEventIds + 10; i++)
        {
            state.SeenEvents.Remember(new string('e', 100) + i, 29_000_060 + i, 29_000_000, detection.RememberedEventIds);
        }

        for (var i = 0; i < SubscriberProfile.KeptEngagements; i++)
        {
            state.Engagements.Add(new Engagement
            {
                Id = EngagementIds.New(Msisdn),
                Cell = new string('c', 64),
                DeviceTac = "35332510",
                Vendor = new string('v', 64),
                Reason = "gave up after 6 attempts: " + new string('r', 200),
                ContactId = Guid.NewGuid().ToString(),
                IncidentEventId = new string('e', 128),
            });
            state.Feedback.Add(new StoredFeedback(EngagementIds.New(Msisdn), Guid.NewGuid().ToString(), 5, Start));
        }

        for (var i = 0; i < SubscriberProfile.KeptSentimentChanges; i++)
        {
            state.SentimentHistory.Add(new StoredSentimentChange(EngagementIds.New(Msisdn), Start, 10, 8, "score 5"));
        }

        var bytes = Serializer.SerializeToArray(state);

        // DynamoDB's item limit is 400 KB; the bounds keep a subscriber under a tenth of it.
        Assert.InRange(bytes.Length, 1, 40 * 1024);
    }

    [Fact]
    public void State_written_when_it_held_the_api_views_reads_into_the_stored_types()
    {
        var answeredAt = Start.AddMinutes(3);
        var earlier = new EarlierHistoryShape
        {
            Feedback = [new FeedbackView("eng-1", "contact-1", 4, answeredAt)],
            SentimentHistory = [new SentimentChangeView("eng-1", answeredAt, 10, 8, "score 4"), new SentimentChangeView(null, Start, 8, 9, "recovery after a quiet period")],
            Decisions = [new DecisionView("CALL_DROP", Start, true, "threshold exceeded"), null, null, null],
        };

        var read = Serializer.Deserialize<StoredHistoryShape>(Serializer.SerializeToArray(earlier))!;

        Assert.Equal([new StoredFeedback("eng-1", "contact-1", 4, answeredAt)], read.Feedback);
        Assert.Equal([new StoredSentimentChange("eng-1", answeredAt, 10, 8, "score 4"), new StoredSentimentChange(null, Start, 8, 9, "recovery after a quiet period")], read.SentimentHistory);
        Assert.Equal(new StoredDecision("CALL_DROP", Start, true, "threshold exceeded"), read.Decisions[0]);
        Assert.Equal(4, read.Decisions.Length);
        Assert.All(read.Decisions[1..], Assert.Null);
    }

    private static SubscriberProfile Profile(SubscriberState state) => new(
        state,
        new DetectionOptions(),
        new ContactPolicy(new ContactPolicyOptions()),
        new SentimentRule(new SentimentOptions()),
        InLondon);

    private static ProbeEvent Event(string id, bool failed, DateTimeOffset at, IncidentType type) =>
        new(id, Msisdn, type, failed, at, "cell-1", "35693803", "Ericsson");

    /// <summary>Summaries hold a dictionary, which records compare by reference.</summary>
    private sealed class SummaryComparer : IEqualityComparer<CellSummary>
    {
        public static readonly SummaryComparer Instance = new();

        public bool Equals(CellSummary? x, CellSummary? y) =>
            x is not null && y is not null
            && x with { IncidentsByType = y.IncidentsByType } == y
            && x.IncidentsByType.OrderBy(p => p.Key, StringComparer.Ordinal).SequenceEqual(y.IncidentsByType.OrderBy(p => p.Key, StringComparer.Ordinal));

        public int GetHashCode(CellSummary obj) => obj.Cell.GetHashCode(StringComparison.Ordinal);
    }
}

/// <summary>The history fields of <see cref="SubscriberState"/> (ids 8–10) as they were stored when they held the API's views.</summary>
[GenerateSerializer]
public sealed class EarlierHistoryShape
{
    [Id(8)] public List<FeedbackView> Feedback { get; set; } = [];

    [Id(9)] public List<SentimentChangeView> SentimentHistory { get; set; } = [];

    [Id(10)] public DecisionView?[] Decisions { get; set; } = [];
}

/// <summary>The same fields as they are stored now.</summary>
[GenerateSerializer]
public sealed class StoredHistoryShape
{
    [Id(8)] public List<StoredFeedback> Feedback { get; set; } = [];

    [Id(9)] public List<StoredSentimentChange> SentimentHistory { get; set; } = [];

    [Id(10)] public StoredDecision?[] Decisions { get; set; } = [];
}
