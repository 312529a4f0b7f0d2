namespace ChurnActors.Grains.Dispatch;

/// <summary>
/// What the dispatcher holds, so a new activation after its silo is lost takes the queue up at once
/// rather than when each subscriber's outbox offers its engagement again: every engagement offered
/// and not yet over, and when the placed ones were placed. Field ids are the storage contract.
/// </summary>
[GenerateSerializer, Alias("churn.dispatch-state")]
public sealed class DispatchState
{
    [Id(0)] public Dictionary<string, DialRequest> Open { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public Dictionary<string, DateTimeOffset> PlacedAt { get; set; } = new(StringComparer.Ordinal);
}
