using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ChurnActors.Telemetry;

/// <summary>
/// The project's instruments, in the meter <see cref="MeterName"/>, named by the OpenTelemetry
/// conventions (<c>churn.</c> prefix, UCUM units, attributes of a few values each: an outcome, a
/// status, a reason's class, a shard; never a phone number, an engagement id or a cell). Exported by
/// the host (Prometheus at <c>/metrics</c>, OTLP when configured); nothing here knows how.
/// </summary>
public sealed class ChurnMetrics
{
    public const string MeterName = "ChurnActors";

    /// <summary>The project's spans (ingest, decision, dial, feedback), beside Orleans' own.</summary>
    public static readonly ActivitySource Tracing = new(MeterName);

    // Seconds buckets for latencies from a millisecond to a few minutes.
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    public ChurnMetrics(IMeterFactory? meters = null)
    {
        Meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        ProbeEvents = Meter.CreateCounter<long>("churn.probe.events", "{event}", "Probe events read, by outcome: accepted, rejected (with the reason's class), duplicate");
        Decisions = Meter.CreateCounter<long>("churn.decisions", "{decision}", "Contact-policy decisions on an exceeded threshold, by outcome and the reason's class");
        EngagementTransitions = Meter.CreateCounter<long>("churn.engagement.transitions", "{transition}", "Engagements moving between statuses (from 'none': just decided)");
        CallsPlaced = Meter.CreateCounter<long>("churn.calls.placed", "{call}", "Calls the dialer placed, as their subscribers recorded them");
        FeedbackRecorded = Meter.CreateCounter<long>("churn.feedback.recorded", "{answer}", "Answers subscribers took (a score or no input)");
        FeedbackRequests = Meter.CreateCounter<long>("churn.feedback.requests", "{request}", "Feedback requests from the Connect hook, by outcome");
        DialAttempts = Meter.CreateCounter<long>("churn.dial.attempts", "{attempt}", "Dial requests to the contact centre, by result: placed, retryable, failed");
        DialNotCleared = Meter.CreateCounter<long>("churn.dial.not_cleared", "{engagement}", "Engagements the dispatcher took but the subscriber did not clear (no longer wanted, or unreachable)");
        RateLimitWaits = Meter.CreateCounter<long>("churn.dial.rate_limit.waits", "{wait}", "Times a waiting call could not be requested because Connect's request quota (token bucket) was spent");
        IncidentToDial = Meter.CreateHistogram<double>("churn.engagement.dial_request.latency", "s", "From the decision on an incident to its first dial request", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        DecisionToAnswer = Meter.CreateHistogram<double>("churn.engagement.answer.latency", "s", "From the decision to engage to the subscriber's answer", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        ArchiveFlushDuration = Meter.CreateHistogram<double>("churn.archive.flush.duration", "s", "Writing one part file to the data lake", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        ArchiveWriteFailures = Meter.CreateCounter<long>("churn.archive.write.failures", "{failure}", "Part files the data lake refused (kept and written again)");
        ArchiveRowsWritten = Meter.CreateCounter<long>("churn.archive.rows.written", "{row}", "Rows written to the data lake, by table");
        StorageOperations = Meter.CreateCounter<long>("churn.storage.operations", "{operation}", "Grain-state reads, writes and clears, by store, operation and result (ok, conflict, error)");
        StorageDuration = Meter.CreateHistogram<double>("churn.storage.duration", "s", "Grain-state operations' latency, by store and operation", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        ObserveGauges();

        // Counters of what should stay rare start at zero, so a scraper has the series (and an alarm
        // its rate) before the first one happens.
        RateLimitWaits.Add(0);
        DialNotCleared.Add(0);
        ArchiveWriteFailures.Add(0);
    }

    public Meter Meter { get; }

    public Counter<long> ProbeEvents { get; }

    public Counter<long> Decisions { get; }

    public Counter<long> EngagementTransitions { get; }

    public Counter<long> CallsPlaced { get; }

    public Counter<long> FeedbackRecorded { get; }

    public Counter<long> FeedbackRequests { get; }

    public Counter<long> DialAttempts { get; }

    public Counter<long> DialNotCleared { get; }

    public Counter<long> RateLimitWaits { get; }

    public Histogram<double> IncidentToDial { get; }

    public Histogram<double> DecisionToAnswer { get; }

    public Histogram<double> ArchiveFlushDuration { get; }

    public Counter<long> ArchiveWriteFailures { get; }

    public Counter<long> ArchiveRowsWritten { get; }

    public Counter<long> StorageOperations { get; }

    public Histogram<double> StorageDuration { get; }

    /// <summary>What the dispatcher holds, on the silo that holds it (zero elsewhere).</summary>
    public DispatchReadings Dispatch { get; } = new();

    /// <summary>Rows each archiver on this silo holds in memory, not yet in the lake, by archiver.</summary>
    public ConcurrentDictionary<string, int> ArchiveBuffered { get; } = new(StringComparer.Ordinal);

    /// <summary>The stream shards this silo reads, by stream and shard.</summary>
    public ConcurrentDictionary<(string Stream, string Shard), ShardReading> Shards { get; } = new();

    private void ObserveGauges()
    {
        Meter.CreateObservableGauge("churn.dispatch.queue.depth", () => Dispatch.Active ? [new Measurement<int>(Dispatch.Waiting)] : Array.Empty<Measurement<int>>(), "{engagement}", "Engagements waiting for a call slot or a request token");
        Meter.CreateObservableGauge("churn.dispatch.calls.in_flight", () => Dispatch.Active ? [new Measurement<int>(Dispatch.InFlight)] : Array.Empty<Measurement<int>>(), "{call}", "Calls holding one of the contact centre's concurrent-call slots");
        Meter.CreateObservableGauge("churn.dispatch.oldest_wait", () => Dispatch.Active ? [new Measurement<double>(Dispatch.OldestWait.TotalSeconds)] : Array.Empty<Measurement<double>>(), "s", "How long the longest-waiting engagement has waited for its dial request (the backlog's age)");
        Meter.CreateObservableGauge("churn.archive.rows.buffered", () => new Measurement<long>(ArchiveBuffered.Values.Sum(v => (long)v)), "{row}", "Rows held by this silo's archivers, not yet in the lake");
        Meter.CreateObservableGauge("churn.kinesis.millis_behind_latest", () => Shards.Select(s => new Measurement<long>(s.Value.MillisBehindLatest, new KeyValuePair<string, object?>("churn.stream", s.Key.Stream), new KeyValuePair<string, object?>("churn.shard", s.Key.Shard))), "ms", "How far behind the shard's tip this silo's last read was (Kinesis' MillisBehindLatest)");
        Meter.CreateObservableGauge("churn.kinesis.checkpoint.age", () => Shards.Select(s => new Measurement<double>(s.Value.StillFor(DateTimeOffset.UtcNow).TotalSeconds, new KeyValuePair<string, object?>("churn.stream", s.Key.Stream), new KeyValuePair<string, object?>("churn.shard", s.Key.Shard))), "s", "Since the shard's checkpoint last advanced while records waited (0 when caught up): a stalled shard grows");
    }
}

/// <summary>The dispatcher's figures for the gauges, set by the activation that holds it.</summary>
public sealed class DispatchReadings
{
    private readonly Lock _lock = new();
    private int _waiting;
    private int _inFlight;
    private TimeSpan _oldestWait;

    /// <summary>A dispatcher is active on this silo.</summary>
    public bool Active { get; private set; }

    public int Waiting { get { lock (_lock) { return _waiting; } } }

    public int InFlight { get { lock (_lock) { return _inFlight; } } }

    public TimeSpan OldestWait { get { lock (_lock) { return _oldestWait; } } }

    public void Set(int waiting, int inFlight, TimeSpan oldestWait)
    {
        lock (_lock)
        {
            (_waiting, _inFlight, _oldestWait) = (waiting, inFlight, oldestWait);
            Active = true;
        }
    }

    /// <summary>The dispatcher left this silo.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            (_waiting, _inFlight, _oldestWait) = (0, 0, TimeSpan.Zero);
            Active = false;
        }
    }
}

/// <summary>One shard's figures for readiness and the gauges, set by its reader.</summary>
public sealed class ShardReading
{
    public long MillisBehindLatest { get; set; }

    /// <summary>When the shard's delivered position (what its checkpoint follows) last moved.</summary>
    public DateTimeOffset AdvancedAt { get; set; }

    /// <summary>Records are there that are not delivered yet.</summary>
    public bool Waiting { get; set; }

    /// <summary>How long records have waited without the position moving; zero when caught up.</summary>
    public TimeSpan StillFor(DateTimeOffset now) => Waiting ? now - AdvancedAt : TimeSpan.Zero;
}
