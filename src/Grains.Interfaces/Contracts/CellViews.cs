namespace ChurnActors;

/// <summary>One cell's live aggregates over the last 24 hours (feedback and sentiment since start).</summary>
[GenerateSerializer, Immutable, Alias("churn.cell-summary")]
public sealed record CellSummary(
    [property: Id(0)] string Cell,
    [property: Id(1)] long Subscribers,
    [property: Id(2)] long Incidents,
    [property: Id(3)] IReadOnlyDictionary<string, long> IncidentsByType,
    [property: Id(4)] long Feedback,
    [property: Id(5)] long ChangeSentiment,
    [property: Id(6)] double MeanChangeSentiment,
    [property: Id(7)] double Priority,
    [property: Id(8)] bool SubscribersEstimated,
    [property: Id(9)] DateTimeOffset UpdatedAt);

[GenerateSerializer, Immutable, Alias("churn.cell-subscriber")]
public sealed record CellSubscriber(
    [property: Id(0)] string Msisdn,
    [property: Id(1)] long Incidents,
    [property: Id(2)] long ChangeSentiment,
    [property: Id(3)] DateTimeOffset LastIncidentAt);

[GenerateSerializer, Immutable, Alias("churn.cell-detail")]
public sealed record CellDetail(
    [property: Id(0)] CellSummary Summary,
    [property: Id(1)] IReadOnlyList<CellSubscriber> MostAffected);

/// <summary>Cluster-wide counters since the cluster started.</summary>
[GenerateSerializer, Immutable, Alias("churn.stats")]
public sealed record StatsSnapshot(
    [property: Id(0)] long EventsAccepted,
    [property: Id(1)] long EventsRejected,
    [property: Id(2)] long EventsDuplicate,
    [property: Id(3)] IReadOnlyDictionary<string, long> EngagementsByStatus,
    [property: Id(4)] long CallsPlaced,
    [property: Id(5)] long FeedbackReceived,
    [property: Id(6)] DateTimeOffset Since)
{
    /// <summary>The counters <paramref name="totals"/> add up to since <paramref name="since"/>; statuses that net to nothing are left out.</summary>
    public static StatsSnapshot Of(StatsDelta totals, DateTimeOffset since) => new(
        totals.EventsAccepted,
        totals.EventsRejected,
        totals.EventsDuplicate,
        totals.EngagementsByStatus.Where(e => e.Value != 0).ToDictionary(e => e.Key, e => e.Value),
        totals.CallsPlaced,
        totals.FeedbackReceived,
        since);
}

/// <summary>A batch of counter changes one silo reports to the stats grain.</summary>
[GenerateSerializer, Immutable, Alias("churn.stats-delta")]
public sealed record StatsDelta(
    [property: Id(0)] long EventsAccepted,
    [property: Id(1)] long EventsRejected,
    [property: Id(2)] long EventsDuplicate,
    [property: Id(3)] IReadOnlyDictionary<string, long> EngagementsByStatus,
    [property: Id(4)] long CallsPlaced,
    [property: Id(5)] long FeedbackReceived)
{
    public static readonly StatsDelta None = new(0, 0, 0, new Dictionary<string, long>(), 0, 0);

    public bool IsEmpty => this is { EventsAccepted: 0, EventsRejected: 0, EventsDuplicate: 0, CallsPlaced: 0, FeedbackReceived: 0 } && EngagementsByStatus.Count == 0;

    /// <summary>Both changes as one.</summary>
    public StatsDelta Plus(StatsDelta other)
    {
        var byStatus = new Dictionary<string, long>(EngagementsByStatus, StringComparer.Ordinal);
        foreach (var (status, moved) in other.EngagementsByStatus)
        {
            byStatus[status] = byStatus.GetValueOrDefault(status) + moved;
        }

        return new StatsDelta(
            EventsAccepted + other.EventsAccepted,
            EventsRejected + other.EventsRejected,
            EventsDuplicate + other.EventsDuplicate,
            byStatus,
            CallsPlaced + other.CallsPlaced,
            FeedbackReceived + other.FeedbackReceived);
    }
}
