namespace ChurnActors.Benchmarks.Reporting;

/// <summary>Every figure of one run, as measured; the report and the charts are made from these alone.</summary>
public sealed class Results
{
    public required string Machine { get; init; }

    public required DateTimeOffset At { get; init; }

    public required bool Smoke { get; init; }

    public Dictionary<string, DecisionSummary> Decisions { get; } = new(StringComparer.Ordinal);

    public bool SameDecisions => Decisions.Values.Distinct().Count() == 1;

    public Dictionary<string, Throughput> Throughput { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, double> ActivationPerSecond { get; } = new(StringComparer.Ordinal);

    public List<MemoryPoint> Memory { get; } = [];

    /// <summary>The floor under one grain per subscriber, in this system's silo and in a bare one (<see cref="BenchmarkRun.FloorName"/>).</summary>
    public Dictionary<string, Floor> Floors { get; } = new(StringComparer.Ordinal);

    public Latency? Latency { get; set; }

    public DynamoDbComparison? DynamoDb { get; set; }

    public StreamedDynamoDb? DynamoDbStreamed { get; set; }

    /// <summary>Events per second the same kinesalite moves from the same producer to a reader that does nothing with them.</summary>
    public double? KinesaliteFloor { get; set; }

    public Dictionary<string, Cost> CostPerMillion { get; } = new(StringComparer.Ordinal);
}

/// <param name="EventsPerSecond">Ingest → decision, on active subscribers.</param>
/// <param name="AllocatedBytesPerEvent">Managed allocations during the phase, per event.</param>
/// <param name="GcPauseShare">Share of the phase's wall time the GC held threads paused.</param>
/// <param name="MeanGcPauseMilliseconds">The GC's pause time over the phase ÷ its collections.</param>
public sealed record Throughput(long Events, double Seconds, double EventsPerSecond, double AllocatedBytesPerEvent, double GcPauseShare, double MeanGcPauseMilliseconds);

/// <param name="Total">GC heap per active subscriber, everything included.</param>
/// <param name="State">Of which the subscriber's state object graph (measured standalone).</param>
/// <param name="StoredCopy">Of which the embedded storage's serialized copy of it.</param>
/// <param name="ActivatedPerSecond">How fast the subscribers added to reach this size were activated (their first event each).</param>
public sealed record MemoryPoint(string Implementation, int Subscribers, double Total, double State, double StoredCopy, double ActivatedPerSecond = 0)
{
    public double BeyondState => Total - State - StoredCopy;
}

/// <param name="GcPauseShare">Share of the phase's wall time the GC held threads paused: a decision made then waits for it.</param>
public sealed record Latency(double OfferedEventsPerSecond, double AchievedEventsPerSecond, int Engagements, double P50, double P99, double P999, double Max, IReadOnlyList<double> SortedMilliseconds, double GcPauseShare, double MeanGcPauseMilliseconds);

public sealed record DynamoDbComparison(
    int Subscribers,
    double SystemEventsPerSecond,
    long SystemEvents,
    double SystemWritesPerThousand,
    double SystemWriteUnitsPerEvent,
    double SystemReadUnitsPerEvent,
    double SeedEventsPerSecond,
    long SeedEvents,
    double SeedWriteUnitsPerEvent,
    double SeedReadUnitsPerEvent,
    int SeedItemBytes,
    int SystemFailedBatches);

/// <summary>This system with probe events on Kinesis and state on DynamoDB, counting written behind at each checkpoint.</summary>
public sealed record StreamedDynamoDb(double EventsPerSecond, long Events, double WriteUnitsPerThousand, double WriteUnitsPerEvent, double ReadUnitsPerEvent, TimeSpan CheckpointInterval);

/// <param name="Lines">What was counted and what it costs: (what, count per million events, dollars per million events).</param>
public sealed record Cost(double DollarsPerMillion, long Events, IReadOnlyList<(string What, double PerMillionEvents, double Dollars)> Lines);

/// <param name="ActivationPerSecond">First events of subscribers, once warmed up.</param>
/// <param name="BytesPerActivation">GC heap per activation of a grain that only counts.</param>
public sealed record Floor(double ActivationPerSecond, double BytesPerActivation, Throughput Throughput);
