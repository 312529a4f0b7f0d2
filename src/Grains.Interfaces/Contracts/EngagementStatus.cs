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
    /// <summary>
    /// Every move an engagement may make (docs/design.md §4): the subscriber's rules check a move
    /// here before making it, and nothing else changes a status.
    /// </summary>
    private static readonly Dictionary<EngagementStatus, EngagementStatus[]> Moves = new()
    {
        [EngagementStatus.Deferred] = [EngagementStatus.Pending, EngagementStatus.Cancelled, EngagementStatus.NoAnswer, EngagementStatus.Failed],
        [EngagementStatus.Pending] = [EngagementStatus.Dialing, EngagementStatus.Deferred, EngagementStatus.Cancelled, EngagementStatus.NoAnswer, EngagementStatus.Failed],
        [EngagementStatus.Dialing] = [EngagementStatus.Placed, EngagementStatus.Deferred, EngagementStatus.Cancelled, EngagementStatus.Answered, EngagementStatus.NoAnswer, EngagementStatus.Failed],
        [EngagementStatus.Placed] = [EngagementStatus.Answered, EngagementStatus.NoAnswer, EngagementStatus.Failed],

        // A late answer after a timeout is still the subscriber's real answer.
        [EngagementStatus.NoAnswer] = [EngagementStatus.Answered],
    };

    /// <summary>Whether an engagement in <paramref name="status"/> may move to <paramref name="next"/>.</summary>
    public static bool CanMoveTo(this EngagementStatus status, EngagementStatus next) =>
        Moves.TryGetValue(status, out var allowed) && Array.IndexOf(allowed, next) >= 0;

    /// <summary>The statuses a new engagement may start in: pending, or deferred to the calling hours.</summary>
    public static bool CanStartIn(this EngagementStatus status) => status is EngagementStatus.Pending or EngagementStatus.Deferred;

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
