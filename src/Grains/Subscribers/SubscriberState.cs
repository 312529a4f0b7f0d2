using ChurnActors.Grains.Rules;
using ChurnActors.Records;

namespace ChurnActors.Grains.Subscribers;

/// <summary>
/// Everything the system keeps about one subscriber. Bounded: windows are rings, histories are
/// capped. Only types of its own are stored here, never the API's views, so the API can change
/// without a storage migration; <see cref="SubscriberViews"/> maps one to the other. Field ids are
/// the storage contract: never renumber.
/// </summary>
[GenerateSerializer, Alias("churn.subscriber-state")]
public sealed class SubscriberState
{
    [Id(0)] public string Msisdn { get; set; } = "";

    /// <summary>Per incident type (indexed by <see cref="IncidentType"/>).</summary>
    [Id(1)] public IncidentWindow?[] Windows { get; set; } = new IncidentWindow?[IncidentTypes.Count];

    /// <summary>Dimensions of the last session of each type.</summary>
    [Id(2)] public SessionDimensions?[] LastSessions { get; set; } = new SessionDimensions?[IncidentTypes.Count];

    [Id(3)] public EventIdMemory? SeenEvents { get; set; }

    [Id(4)] public int Sentiment { get; set; }

    /// <summary>When sentiment last changed (answer or recovery step).</summary>
    [Id(5)] public DateTimeOffset SentimentSince { get; set; }

    [Id(6)] public bool OptOut { get; set; }

    [Id(7)] public List<Engagement> Engagements { get; set; } = [];

    [Id(8)] public List<StoredFeedback> Feedback { get; set; } = [];

    [Id(9)] public List<StoredSentimentChange> SentimentHistory { get; set; } = [];

    /// <summary>The last contact-policy decision per type.</summary>
    [Id(10)] public StoredDecision?[] Decisions { get; set; } = new StoredDecision?[IncidentTypes.Count];

    [Id(11)] public DateTimeOffset FirstSeen { get; set; }

    /// <summary>Records of a change that is written but whose publishing failed: sent before any new change is taken.</summary>
    [Id(12)] public List<ChurnRecord> UnpublishedRecords { get; set; } = [];
}

[GenerateSerializer, Immutable, Alias("churn.session-dimensions")]
public sealed record SessionDimensions(
    [property: Id(0)] string Cell,
    [property: Id(1)] string? DeviceTac,
    [property: Id(2)] string? Vendor,
    [property: Id(3)] DateTimeOffset At);

/// <summary>One decision to call the subscriber, from creation to its answer (or why there was none).</summary>
[GenerateSerializer, Alias("churn.engagement")]
public sealed class Engagement
{
    [Id(0)] public string Id { get; set; } = "";

    [Id(1)] public IncidentType Type { get; set; }

    [Id(2)] public string Cell { get; set; } = "";

    [Id(3)] public string? DeviceTac { get; set; }

    [Id(4)] public string? Vendor { get; set; }

    [Id(5)] public double FailRate { get; set; }

    [Id(6)] public double Severity { get; set; }

    [Id(7)] public DateTimeOffset CreatedAt { get; set; }

    [Id(8)] public EngagementStatus Status { get; set; }

    [Id(9)] public string Reason { get; set; } = "";

    /// <summary>For a deferred engagement: when the calling hours open.</summary>
    [Id(10)] public DateTimeOffset? DueAt { get; set; }

    [Id(11)] public int DialAttempts { get; set; }

    [Id(12)] public string? ContactId { get; set; }

    [Id(13)] public DateTimeOffset StatusSince { get; set; }

    [Id(14)] public int? Score { get; set; }

    /// <summary>The event that triggered it, so feedback can be linked back to its incident.</summary>
    [Id(15)] public string IncidentEventId { get; set; } = "";

    public DialRequest ToDialRequest(string msisdn) =>
        new(Id, msisdn, Type, Cell, FailRate, Severity, CreatedAt);

}

/// <summary>An answer taken (ids as the stored shape of earlier versions, so their state reads unchanged).</summary>
[GenerateSerializer, Immutable, Alias("churn.stored-feedback")]
public sealed record StoredFeedback(
    [property: Id(0)] string EngagementId,
    [property: Id(1)] string ContactId,
    [property: Id(2)] int Score,
    [property: Id(3)] DateTimeOffset AnsweredAt);

/// <summary>One move of the subscriber's sentiment and what caused it.</summary>
[GenerateSerializer, Immutable, Alias("churn.stored-sentiment-change")]
public sealed record StoredSentimentChange(
    [property: Id(0)] string? EngagementId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int Before,
    [property: Id(3)] int After,
    [property: Id(4)] string Cause);

/// <summary>The last contact-policy decision for one incident type (its type by wire name, as stored before).</summary>
[GenerateSerializer, Immutable, Alias("churn.stored-decision")]
public sealed record StoredDecision(
    [property: Id(0)] string Type,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] bool Engaged,
    [property: Id(3)] string Reason);

/// <summary>The one place stored subscriber state becomes the API's views.</summary>
public static class SubscriberViews
{
    public static EngagementView ToView(this Engagement engagement) => new(
        engagement.Id, engagement.Type.ToWire(), engagement.Status.ToWire(), engagement.Reason, engagement.CreatedAt,
        engagement.Cell, engagement.FailRate, engagement.Severity, engagement.DueAt, engagement.ContactId);

    public static FeedbackView ToView(this StoredFeedback feedback) =>
        new(feedback.EngagementId, feedback.ContactId, feedback.Score, feedback.AnsweredAt);

    public static SentimentChangeView ToView(this StoredSentimentChange change) =>
        new(change.EngagementId, change.At, change.Before, change.After, change.Cause);

    public static DecisionView ToView(this StoredDecision decision) =>
        new(decision.Type, decision.At, decision.Engaged, decision.Reason);
}
