namespace ChurnActors;

/// <summary>Where an engagement stands. Ids are a storage contract: never renumber.</summary>
[GenerateSerializer]
public enum EngagementStatus
{
    /// <summary>Decided outside the subscriber's calling hours; waits for the window.</summary>
    Deferred = 0,

    /// <summary>Durable in the subscriber's state and offered to the dispatcher.</summary>
    Pending = 1,

    /// <summary>The dispatcher has claimed it and is placing the call.</summary>
    Dialing = 2,

    /// <summary>Connect accepted the call; waiting for the subscriber's answer.</summary>
    Placed = 3,

    /// <summary>The subscriber answered the question.</summary>
    Answered = 4,

    /// <summary>The call ended without an answer (no input, not answered, or timed out).</summary>
    NoAnswer = 5,

    /// <summary>The call could not be placed after its attempts.</summary>
    Failed = 6,

    /// <summary>Withdrawn before dialling (the subscriber opted out).</summary>
    Cancelled = 7,

    /// <summary>A decision not to engage (only in the data lake: the contact policy said no).</summary>
    Suppressed = 8,
}

public static class EngagementStatuses
{
    /// <summary>Still needs the system's attention: not yet answered, failed or cancelled.</summary>
    public static bool IsOpen(this EngagementStatus status) =>
        status is EngagementStatus.Deferred or EngagementStatus.Pending or EngagementStatus.Dialing or EngagementStatus.Placed;

    public static string ToWire(this EngagementStatus status) => status switch
    {
        EngagementStatus.Deferred => "deferred",
        EngagementStatus.Pending => "pending",
        EngagementStatus.Dialing => "dialing",
        EngagementStatus.Placed => "placed",
        EngagementStatus.Answered => "answered",
        EngagementStatus.NoAnswer => "no_answer",
        EngagementStatus.Failed => "failed",
        EngagementStatus.Cancelled => "cancelled",
        EngagementStatus.Suppressed => "suppressed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown engagement status."),
    };
}

/// <summary>What the dispatcher needs to place one call.</summary>
[GenerateSerializer, Immutable, Alias("churn.dial-request")]
public sealed record DialRequest(
    [property: Id(0)] string EngagementId,
    [property: Id(1)] string Msisdn,
    [property: Id(2)] IncidentType Type,
    [property: Id(3)] string Cell,
    [property: Id(4)] double FailRate,
    [property: Id(5)] double Severity,
    [property: Id(6)] DateTimeOffset DecidedAt);

/// <summary>The subscriber's answer when the dispatcher asks to dial an engagement.</summary>
[GenerateSerializer]
public enum DialClearance
{
    /// <summary>Go ahead: the engagement is marked dialling.</summary>
    Cleared = 0,

    /// <summary>Do not dial: the engagement is closed, cancelled or unknown.</summary>
    Withdrawn = 1,

    /// <summary>Do not dial yet: outside the subscriber's calling hours.</summary>
    NotNow = 2,
}

/// <summary>How a call ended without feedback.</summary>
[GenerateSerializer]
public enum CallEnd
{
    NoAnswer = 0,
    Failed = 1,
}
