namespace ChurnActors;

/// <summary>What the dispatcher needs to place one call.</summary>
[GenerateSerializer, Immutable, Alias("churn.dial-request")]
public sealed record DialRequest(
    [property: Id(0)] string EngagementId,
    [property: Id(1)] string Msisdn,
    [property: Id(2)] IncidentType Type,
    [property: Id(3)] string Cell,
    [property: Id(4)] double FailRate,
    [property: Id(5)] double Severity,
    [property: Id(6)] DateTimeOffset DecidedAt,
    [property: Id(7)] string? TraceParent = null);

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
