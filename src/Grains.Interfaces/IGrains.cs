using System.Collections.Immutable;
using ChurnActors.Records;
using Orleans.Concurrency;

namespace ChurnActors;

/// <summary>One per subscriber, keyed by the E.164 msisdn: the rolling profile and every decision about the subscriber.</summary>
public interface ISubscriberGrain : IGrainWithStringKey
{
    /// <summary>
    /// Counts a batch of this subscriber's events; returns once the change is durable. Interleaves with
    /// the subscriber's other calls at their awaits (each change is still made whole in one turn), so
    /// batches arriving while a write is in flight share the next write: group commit.
    /// </summary>
    [AlwaysInterleave]
    Task<IngestResult> RecordEventsAsync(ImmutableArray<ProbeEvent> events);

    Task<FeedbackResult> RecordFeedbackAsync(FeedbackReport feedback);

    /// <summary>The contact flow's disconnect path: the call ended without a digit.</summary>
    Task<FeedbackResult> RecordNoInputAsync(string contactId, string engagementId);

    /// <summary>The live profile, or null if the number was never seen.</summary>
    Task<SubscriberView?> GetViewAsync();

    Task SetOptOutAsync(bool optOut);

    /// <summary>The dispatcher asks before dialling; a cleared engagement is durably marked dialling.</summary>
    Task<DialClearance> ClearForDialAsync(string engagementId);

    Task OnCallPlacedAsync(string engagementId, string contactId);

    Task OnCallEndedAsync(string engagementId, CallEnd end, string reason);

    /// <summary>Writes what this subscriber counted from the probe stream and has not written yet (the stream's checkpoint waits for it).</summary>
    Task FlushAsync();
}

/// <summary>Validates raw probe events and routes them to their subscribers. Stateless, one per core.</summary>
public interface IProbeIngestGrain : IGrainWithIntegerKey
{
    /// <param name="payloads">Each item the JSON of one probe event, as it arrived.</param>
    /// <param name="source">Where the batch came from (for rejected records), e.g. <c>http</c>.</param>
    Task<ProbeBatchResult> IngestAsync(ProbePayloads payloads, string source);
}

/// <summary>One per contact-centre instance: places every subscriber's calls within the instance's quotas, most severe first, through the silo's dialer.</summary>
public interface IDispatchGrain : IGrainWithStringKey
{
    /// <summary>
    /// Offers an engagement; offering one already known changes nothing. Answered, not one-way: an
    /// offer that did not arrive (the dispatcher's silo lost) is known at once and offered again
    /// within seconds, instead of waiting for the subscriber's reminder. The dispatcher takes an offer
    /// in one short turn, so an answer later than 5 s means it is not there.
    /// </summary>
    [ResponseTimeout("00:00:05")]
    Task OfferAsync(DialRequest request);

    /// <summary>Frees the call slot of an engagement that got its feedback.</summary>
    [OneWay]
    Task ReleaseAsync(string engagementId);

    Task<DispatchSnapshot> GetSnapshotAsync();
}

[GenerateSerializer, Immutable, Alias("churn.dispatch-snapshot")]
public sealed record DispatchSnapshot(
    [property: Id(0)] int Queued,
    [property: Id(1)] int InFlight,
    [property: Id(2)] long Placed,
    [property: Id(3)] long Failed,
    [property: Id(4)] long TimedOut,
    [property: Id(5)] int MaxConcurrentCalls);

/// <summary>One per cell: who is affected there and how much goodwill it costs.</summary>
public interface ICellGrain : IGrainWithStringKey
{
    [OneWay]
    Task RecordIncidentsAsync(CellIncidents incidents);

    [OneWay]
    Task RecordSentimentAsync(string msisdn, int changeSentiment, DateTimeOffset at);

    Task<CellDetail> GetDetailAsync(int mostAffected);
}

[GenerateSerializer, Immutable, Alias("churn.cell-incidents")]
public sealed record CellIncidents(
    [property: Id(0)] string Msisdn,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] int CallDrop,
    [property: Id(3)] int CallQuality,
    [property: Id(4)] int LowBitrate,
    [property: Id(5)] int VideoStalling);

/// <summary>The live ranking of cells, fed by the cell grains.</summary>
public interface ICellRankingGrain : IGrainWithStringKey
{
    public const string Key = "cluster";

    [OneWay]
    Task ReportAsync(CellSummary summary);

    Task<IReadOnlyList<CellSummary>> GetTopAsync(int count);
}

/// <summary>Cluster-wide counters, fed by every silo.</summary>
public interface IStatsGrain : IGrainWithStringKey
{
    public const string Key = "cluster";

    Task AddAsync(StatsDelta delta);

    Task<StatsSnapshot> GetAsync();
}

/// <summary>
/// One partition of the signatures of feedback requests accepted within the signature tolerance,
/// cluster-wide: a captured request replayed to any gateway is refused.
/// </summary>
public interface IReplayGuardGrain : IGrainWithIntegerKey
{
    /// <summary>Partitions of the signatures, by their FNV-1a hash.</summary>
    public const int Partitions = 16;

    /// <summary>True the first time a signature is presented anywhere in the cluster; false for a replay.</summary>
    Task<bool> TryAcceptAsync(string signature);
}

/// <summary>Drains one partition of the record stream into data-lake objects.</summary>
public interface IArchiverGrain : IGrainWithStringKey
{
    /// <summary>Writes every buffered row now.</summary>
    Task FlushAsync();
}
