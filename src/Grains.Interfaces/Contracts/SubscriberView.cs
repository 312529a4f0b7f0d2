namespace ChurnActors;

/// <summary>A subscriber's live state as operations see it.</summary>
[GenerateSerializer, Immutable, Alias("churn.subscriber-view")]
public sealed record SubscriberView(
    [property: Id(0)] string Msisdn,
    [property: Id(1)] IReadOnlyList<IncidentTypeView> Types,
    [property: Id(2)] int Sentiment,
    [property: Id(3)] bool OptOut,
    [property: Id(4)] IReadOnlyList<EngagementView> Engagements,
    [property: Id(5)] IReadOnlyList<FeedbackView> Feedback,
    [property: Id(6)] IReadOnlyList<SentimentChangeView> SentimentHistory,
    [property: Id(7)] IReadOnlyList<DecisionView> Decisions,
    [property: Id(8)] string TimeZone,
    [property: Id(9)] string? LastCell);

[GenerateSerializer, Immutable, Alias("churn.incident-type-view")]
public sealed record IncidentTypeView(
    [property: Id(0)] string Type,
    [property: Id(1)] int Sessions,
    [property: Id(2)] int Failures,
    [property: Id(3)] double FailRate,
    [property: Id(4)] double Threshold,
    [property: Id(5)] TimeSpan Window,
    [property: Id(6)] string? LastCell,
    [property: Id(7)] string? LastDeviceTac,
    [property: Id(8)] string? LastVendor);

[GenerateSerializer, Immutable, Alias("churn.engagement-view")]
public sealed record EngagementView(
    [property: Id(0)] string EngagementId,
    [property: Id(1)] string Type,
    [property: Id(2)] string Status,
    [property: Id(3)] string Reason,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string Cell,
    [property: Id(6)] double FailRate,
    [property: Id(7)] double Severity,
    [property: Id(8)] DateTimeOffset? DueAt,
    [property: Id(9)] string? ContactId);

[GenerateSerializer, Immutable, Alias("churn.feedback-view")]
public sealed record FeedbackView(
    [property: Id(0)] string EngagementId,
    [property: Id(1)] string ContactId,
    [property: Id(2)] int Score,
    [property: Id(3)] DateTimeOffset AnsweredAt);

[GenerateSerializer, Immutable, Alias("churn.sentiment-change-view")]
public sealed record SentimentChangeView(
    [property: Id(0)] string? EngagementId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int Before,
    [property: Id(3)] int After,
    [property: Id(4)] string Cause);

/// <summary>The last contact-policy decision taken for one incident type, with its reason.</summary>
[GenerateSerializer, Immutable, Alias("churn.decision-view")]
public sealed record DecisionView(
    [property: Id(0)] string Type,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] bool Engaged,
    [property: Id(3)] string Reason);
