namespace ChurnActors;

/// <summary>The subscriber's answer to the impact question, as the Connect hook reports it.</summary>
[GenerateSerializer, Immutable, Alias("churn.feedback")]
public sealed record FeedbackReport(
    [property: Id(0)] string ContactId,
    [property: Id(1)] string EngagementId,
    [property: Id(2)] string Msisdn,
    [property: Id(3)] int Score,
    [property: Id(4)] DateTimeOffset AnsweredAt)
{
    /// <summary>The digits the impact question takes: 1 (no impact) to 5 (very high impact).</summary>
    public const int LowestScore = 1, HighestScore = 5;

    public static bool IsScore(int score) => score is >= LowestScore and <= HighestScore;
}

[GenerateSerializer]
public enum FeedbackOutcome
{
    /// <summary>Recorded: sentiment updated.</summary>
    Recorded = 0,

    /// <summary>The same contact reported the same answer again (Connect retried its hook): nothing changed.</summary>
    AlreadyRecorded = 1,

    /// <summary>The engagement is not one of this subscriber's.</summary>
    UnknownEngagement = 2,

    /// <summary>The engagement was answered already by another contact or with another score.</summary>
    AlreadyAnswered = 3,

    /// <summary>The engagement is not waiting for an answer (cancelled, failed, or never dialled).</summary>
    NotAwaitingFeedback = 4,

    /// <summary>The engagement id belongs to another number.</summary>
    NumberMismatch = 5,

    /// <summary>The score is outside 1–5.</summary>
    ScoreOutOfRange = 6,

    /// <summary>The call ended without an answer to the question (the flow's no-input path); its slot is freed.</summary>
    NoInputRecorded = 7,
}

[GenerateSerializer, Immutable, Alias("churn.feedback-result")]
public sealed record FeedbackResult(
    [property: Id(0)] FeedbackOutcome Outcome,
    [property: Id(1)] string Detail,
    [property: Id(2)] int? SentimentAfter);
