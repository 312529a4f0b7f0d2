using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ChurnActors.Benchmarks.Reporting;

/// <summary>One row of the report: a measure, each implementation's figure, the ratios, the target.</summary>
public sealed record ReportRow(string Measure, string System, string PlainLoop, string Akka, string Seed, string Ratio, string Target);

/// <summary>The report of one run: a table side by side, the charts, and every figure as JSON.</summary>
public sealed class Report(Results results, BenchmarkOptions options)
{
    public const string MarkdownFile = "benchmarks.md";
    public const string JsonFile = "benchmarks.json";
    public const string ThroughputChart = "benchmarks-throughput.svg";
    public const string MemoryChart = "benchmarks-memory.svg";
    public const string LatencyChart = "benchmarks-latency.svg";

    /// <summary>The measures every complete report has a row for.</summary>
    public static readonly string[] RequiredMeasures =
    [
        "ingest → decision",
        "activation (first event of a subscriber)",
        "allocated per event",
        "GC pauses, share of wall time",
        "incident → dial request at half the peak",
        "memory per active subscriber",
        "on DynamoDB (one dynalite): events/s",
        "DynamoDB writes per 1 000 events",
        "DynamoDB request units per event (write / read)",
        "AWS requests per million probe events",
        "same decisions on the check events",
    ];

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public IReadOnlyList<ReportRow> Rows() => [.. BuildRows()];

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(Title());
        text.AppendLine(new string('-', 160));
        var rows = Rows();
        text.AppendLine(Invariant, $"{"measure",-62} {"this system",-24} {"plain loop",-16} {"Akka.NET",-16} {"seed-style",-14} {"ratios",-36} target");
        foreach (var row in rows)
        {
            text.AppendLine(Invariant, $"{row.Measure,-62} {row.System,-24} {row.PlainLoop,-16} {row.Akka,-16} {row.Seed,-14} {row.Ratio,-36} {row.Target}");
        }

        return text.ToString();
    }

    public async Task<IReadOnlyList<string>> WriteAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new Dictionary<string, string>
        {
            [MarkdownFile] = Markdown(),
            [JsonFile] = JsonSerializer.Serialize(new { results, rows = Rows(), sameDecisions = results.SameDecisions }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, IncludeFields = true }),
            [ThroughputChart] = ThroughputSvg(),
            [MemoryChart] = MemorySvg(),
            [LatencyChart] = LatencySvg(),
        };
        foreach (var (name, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, name), content);
        }

        return [.. files.Keys.Select(name => Path.Combine(directory, name))];
    }

    private string Title() =>
        $"ChurnActors benchmark report — {results.Machine}; {options.Subscribers:N0} subscribers; {results.At:yyyy-MM-dd HH:mm} UTC{(results.Smoke ? " (smoke run: tiny sizes, figures mean nothing)" : "")}";

    private IEnumerable<ReportRow> BuildRows()
    {
        const string system = BenchmarkRun.SystemName, plain = BenchmarkRun.PlainLoopName, akka = BenchmarkRun.AkkaName, seed = BenchmarkRun.SeedName;
        var t = results.Throughput;
        if (t.ContainsKey(system) && t.ContainsKey(plain) && t.ContainsKey(akka))
        {
            yield return Row(
                "ingest → decision (events/s, active subscribers)",
                Rate(t[system].EventsPerSecond),
                Rate(t[plain].EventsPerSecond),
                Rate(t[akka].EventsPerSecond),
                "",
                $"÷ plain {Ratio(t[system].EventsPerSecond, t[plain].EventsPerSecond)}, ÷ Akka {Ratio(t[system].EventsPerSecond, t[akka].EventsPerSecond)}",
                "≥ 150 000 and ≥ 1.5× Akka.NET (design target: 1 000 000)");
            var a = results.ActivationPerSecond;
            yield return Row(
                "activation (first event of a subscriber) (events/s)",
                Rate(a[system]),
                Rate(a[plain]),
                Rate(a[akka]),
                "",
                $"÷ plain {Ratio(a[system], a[plain])}, ÷ Akka {Ratio(a[system], a[akka])}",
                "≥ 50 000");
            yield return Row(
                "allocated per event (bytes, event generation excluded)",
                Bytes(t[system].AllocatedBytesPerEvent),
                Bytes(t[plain].AllocatedBytesPerEvent),
                Bytes(t[akka].AllocatedBytesPerEvent),
                "",
                $"÷ plain {Ratio(t[system].AllocatedBytesPerEvent, t[plain].AllocatedBytesPerEvent)}, ÷ Akka {Ratio(t[system].AllocatedBytesPerEvent, t[akka].AllocatedBytesPerEvent)}",
                "≤ 1 KB");
            yield return Row(
                "GC pauses, share of wall time (throughput phase; mean pause)",
                Pauses(t[system]),
                Pauses(t[plain]),
                Pauses(t[akka]),
                "",
                "",
                "-");
        }

        foreach (var (name, floor) in results.Floors)
        {
            var a = results.ActivationPerSecond;
            yield return Row(
                $"{name}: the same reads, one call per subscriber to a grain that only counts (events/s active / activation; B allocated per event; B heap per activation; GC pauses)",
                $"{Rate(floor.Throughput.EventsPerSecond)} / {Rate(floor.ActivationPerSecond)}; {Bytes(floor.Throughput.AllocatedBytesPerEvent)}; {Bytes(floor.BytesPerActivation)}; {Pauses(floor.Throughput)}",
                "",
                "",
                "",
                t.ContainsKey(system) && a.ContainsKey(system)
                    ? $"this system ÷ floor {Ratio(t[system].EventsPerSecond, floor.Throughput.EventsPerSecond)} / {Ratio(a[system], floor.ActivationPerSecond)}"
                    : "",
                FloorVerdict(floor));
        }

        if (results.Latency is { } latency)
        {
            yield return Row(
                $"incident → dial request at half the peak ({Rate(latency.AchievedEventsPerSecond)} events/s): p50 / p99 / p999 (ms)",
                $"{latency.P50:N2} / {latency.P99:N2} / {latency.P999:N2}",
                "",
                "",
                "",
                $"over {latency.Engagements:N0} engagements, max {latency.Max:N1}; GC paused {Share(latency.GcPauseShare)} of the phase, {latency.MeanGcPauseMilliseconds:N1} ms a pause",
                "p99 ≤ 5 ms");
        }

        foreach (var size in results.Memory.Select(m => m.Subscribers).Distinct().Order())
        {
            var at = results.Memory.Where(m => m.Subscribers == size).ToDictionary(m => m.Implementation);
            if (!at.ContainsKey(system) || !at.ContainsKey(plain) || !at.ContainsKey(akka))
            {
                continue;
            }

            var mine = at[system];
            yield return Row(
                $"memory per active subscriber at {size:N0} (bytes of GC heap)",
                $"{mine.Total:N0} (state {mine.State:N0}, stored {mine.StoredCopy:N0}, beyond {mine.BeyondState:N0})",
                Bytes(at[plain].Total),
                Bytes(at[akka].Total),
                "",
                $"÷ plain {Ratio(mine.Total, at[plain].Total)}, ÷ Akka {Ratio(mine.Total, at[akka].Total)}",
                "≤ 1 KB beyond its state; 1 000 000 on one silo");
        }

        if (results.Memory.Where(m => m.Implementation == system).MaxBy(m => m.Subscribers) is { ActivatedPerSecond: > 0 } largest)
        {
            var akkaLargest = results.Memory.SingleOrDefault(m => m.Implementation == akka && m.Subscribers == largest.Subscribers);
            var previous = results.Memory.Where(m => m.Implementation == system && m.Subscribers < largest.Subscribers).Select(m => m.Subscribers).DefaultIfEmpty(0).Max();
            yield return Row(
                $"activation of subscribers {previous + 1:N0}–{largest.Subscribers:N0} in one silo (events/s)",
                Rate(largest.ActivatedPerSecond),
                "",
                akkaLargest is null ? "" : Rate(akkaLargest.ActivatedPerSecond),
                "",
                akkaLargest is null ? "" : $"÷ Akka {Ratio(largest.ActivatedPerSecond, akkaLargest.ActivatedPerSecond)}",
                "≥ 50 000");
        }

        if (results.DynamoDb is { } dynamo)
        {
            yield return Row(
                $"on DynamoDB (one dynalite): events/s, {dynamo.Subscribers:N0} subscribers",
                Rate(dynamo.SystemEventsPerSecond),
                "",
                "",
                Rate(dynamo.SeedEventsPerSecond),
                $"÷ seed {Ratio(dynamo.SystemEventsPerSecond, dynamo.SeedEventsPerSecond)}" + (dynamo.SystemFailedBatches > 0 ? $"; {dynamo.SystemFailedBatches} batches of this system failed (storage timeouts) and were sent again" : ""),
                "≥ 20× the seed-style pipeline");
            yield return Row("DynamoDB writes per 1 000 events", $"{dynamo.SystemWritesPerThousand:N0}", "", "", "1 000", $"÷ seed {Ratio(dynamo.SystemWritesPerThousand, 1000)}", "no per-event write");
            if (results.DynamoDbStreamed is { } streamed)
            {
                yield return Row(
                    $"on DynamoDB, probe events on Kinesis (kinesalite), counting written behind: events/s",
                    Rate(streamed.EventsPerSecond),
                    "",
                    "",
                    Rate(dynamo.SeedEventsPerSecond),
                    $"÷ seed {Ratio(streamed.EventsPerSecond, dynamo.SeedEventsPerSecond)}",
                    "≥ 20× the seed-style pipeline");
                yield return Row(
                    $"  state write units per 1 000 events (checkpoint every {streamed.CheckpointInterval.TotalSeconds:N0} s) / read units per event",
                    $"{streamed.WriteUnitsPerThousand:N0} / {streamed.ReadUnitsPerEvent:N3}",
                    "",
                    "",
                    $"1 000 / {dynamo.SeedReadUnitsPerEvent:N3}",
                    $"÷ seed {Ratio(streamed.WriteUnitsPerThousand, 1000)}",
                    "no per-event write");
            }

            if (results.KinesaliteFloor is { } kinesalite)
            {
                var needed = 20 * dynamo.SeedEventsPerSecond;
                yield return Row(
                    "  kinesalite alone: the same producer, a reader that only reads the shards (events/s)",
                    Rate(kinesalite),
                    "",
                    "",
                    Rate(dynamo.SeedEventsPerSecond),
                    $"÷ seed {Ratio(kinesalite, dynamo.SeedEventsPerSecond)}" + (results.DynamoDbStreamed is { } s ? $"; streamed path ÷ kinesalite alone {Ratio(s.EventsPerSecond, kinesalite)}" : ""),
                    kinesalite < needed
                        ? $"20× the seed is {Rate(needed)}: out of reach of anything reading this kinesalite"
                        : $"20× the seed ({Rate(needed)}) is within what kinesalite moves");
            }

            yield return Row(
                "DynamoDB request units per event (write / read)",
                $"{dynamo.SystemWriteUnitsPerEvent:N3} / {dynamo.SystemReadUnitsPerEvent:N3}",
                "",
                "",
                $"{dynamo.SeedWriteUnitsPerEvent:N3} / {dynamo.SeedReadUnitsPerEvent:N3}",
                "",
                "-");
        }

        if (results.CostPerMillion.TryGetValue(system, out var cost) && results.CostPerMillion.TryGetValue(seed, out var seedCost))
        {
            yield return Row(
                $"AWS requests per million probe events (simulator mix, {cost.Events:N0} events)",
                Dollars(cost.DollarsPerMillion),
                "",
                "",
                Dollars(seedCost.DollarsPerMillion),
                $"÷ seed {Ratio(cost.DollarsPerMillion, seedCost.DollarsPerMillion)}",
                "≤ $0.10");
        }

        yield return Row(
            "same decisions on the check events",
            results.SameDecisions ? "yes" : "NO",
            Summary(plain),
            Summary(akka),
            "",
            Summary(system),
            "identical");
    }

    private string Summary(string implementation) =>
        results.Decisions.TryGetValue(implementation, out var summary) ? $"{summary.Engagements:N0} engaged/{summary.Counted:N0}" : "-";

    private string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Benchmark report");
        md.AppendLine();
        md.AppendLine(Title().Replace("ChurnActors benchmark report — ", "", StringComparison.Ordinal) + ".");
        md.AppendLine();
        md.AppendLine("Produced by `dotnet run -c Release --project tests/Benchmarks` (this file, its charts and `benchmarks.json` are written by the run; nothing here is edited by hand). " +
            "Every figure below was measured in that one run, on the same generated events for every implementation:");
        md.AppendLine();
        md.AppendLine($"- **this system**: one silo in the benchmark's process, built as `dotnet run --project src/Silo` builds it (embedded providers), events sent to the ingest grain in batches of 5 000 by 4 producers;");
        md.AppendLine($"- **plain loop**: the same rules in one thread with nothing else asked of it — the limit on one core (`tests/Benchmarks/Peers/PlainLoop.cs`);");
        md.AppendLine($"- **Akka.NET sharding**: the project's own `SubscriberProfile` in Akka.NET cluster-sharded actors, one node, state in memory (`tests/Benchmarks/Peers/AkkaPeer.cs`);");
        md.AppendLine($"- **seed-style pipeline**: the serverless design's per-event GetItem + PutItem of the subscriber item, {Peers.SeedPipeline.Workers} concurrent workers, on the same dynalite as this system's DynamoDB storage (`tests/Benchmarks/Peers/SeedPipeline.cs`).");
        md.AppendLine();
        md.AppendLine($"The mix: {options.Subscribers:N0} subscribers, each pass one `CALL_DROP` session per subscriber, a FAIL one time in {EventMix.FailOneIn}; the first pass activates the subscribers, later passes are the throughput. Ratios are this system ÷ the peer.");
        md.AppendLine();
        md.AppendLine("| measure | this system | plain loop | Akka.NET | seed-style | ratios | target |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var row in Rows())
        {
            md.AppendLine(Invariant, $"| {row.Measure} | {row.System} | {row.PlainLoop} | {row.Akka} | {row.Seed} | {row.Ratio} | {row.Target} |");
        }

        md.AppendLine();
        md.AppendLine($"![Throughput, side by side]({ThroughputChart})");
        md.AppendLine();
        md.AppendLine($"![Memory per active subscriber]({MemoryChart})");
        md.AppendLine();
        md.AppendLine($"![Incident to dial request]({LatencyChart})");
        md.AppendLine();
        md.AppendLine("## Decisions");
        md.AppendLine();
        md.AppendLine($"On {options.DecisionSubscribers:N0} subscribers × {DecisionScenario.Steps} sessions (all four types, some subscribers far worse than others, every fifth with one event delivered twice), each implementation's sessions counted, duplicates absorbed, incidents and who was engaged for which type:");
        md.AppendLine();
        foreach (var (name, summary) in results.Decisions)
        {
            md.AppendLine(Invariant, $"- {name}: {summary}");
        }

        md.AppendLine();
        md.AppendLine(results.SameDecisions ? "All the same." : "**They differ.**");
        md.AppendLine();
        md.AppendLine("## AWS requests per million probe events");
        md.AppendLine();
        md.AppendLine($"The simulator's mix (the embedded default's traffic) for {options.CostDuration.TotalSeconds:N0} s on DynamoDB, Kinesis and S3 — the local stand-ins dynalite, kinesalite and s3rver — with every request counted where the adapters make it. {Prices.Source}");
        md.AppendLine();
        foreach (var (name, cost) in results.CostPerMillion)
        {
            md.AppendLine(Invariant, $"**{name}**: {Dollars(cost.DollarsPerMillion)} per million events");
            md.AppendLine();
            md.AppendLine("| what | per million events | $ |");
            md.AppendLine("|---|---|---|");
            foreach (var (what, count, dollars) in cost.Lines)
            {
                md.AppendLine(Invariant, $"| {what} | {count:N0} | {dollars:N4} |");
            }

            md.AppendLine();
        }

        md.AppendLine("The seed-style figures are its measured per-event DynamoDB read and write (units from the item it writes), the same probe-stream puts, and one S3 object per engagement as its Lambda 4 writes; its Lambda invocations are not counted here.");
        md.AppendLine();
        md.AppendLine("## How each figure is measured");
        md.AppendLine();
        md.AppendLine("- **ingest → decision**: events whose batch call returned (decided, state written) per second of wall time, on subscribers already active.");
        md.AppendLine("- **activation**: the first pass, each subscriber's first event (activation, storage read, first write).");
        md.AppendLine("- **allocated per event**: `GC.GetTotalAllocatedBytes` over the throughput phase, less what the event generator allocated, per event. **GC pauses**: `GC.GetTotalPauseDuration` over the same phase ÷ its wall time.");
        md.AppendLine("- **incident → dial request**: the mix at half the measured peak in batches of 500 while fresh subscribers cross the threshold (20 every 50 ms); each engagement's time from its decision to the dialler's call.");
        md.AppendLine("- **memory**: GC heap after a forced compacting collection, less the heap before, ÷ subscribers, as each size is reached. *State* is the heap of the same states built by the real rules outside any runtime; *stored* the embedded storage's serialized copy; *beyond* the rest.");
        md.AppendLine("- **on DynamoDB**: both start from an empty table and run the mix for the same time on the same dynalite; units as AWS bills them (a write one unit per started KB, a strongly consistent read one per started 4 KB, an eventually consistent one half).");
        return md.ToString();
    }

    private string ThroughputSvg()
    {
        List<(string, double, string)> bars =
        [
            .. new[] { ("plain loop (one thread)", BenchmarkRun.PlainLoopName), ("Akka.NET sharding", BenchmarkRun.AkkaName), ("this system", BenchmarkRun.SystemName) }
                .Where(b => results.Throughput.ContainsKey(b.Item2))
                .Select(b => (b.Item1, results.Throughput[b.Item2].EventsPerSecond, "memory")),
        ];
        if (results.DynamoDb is { } dynamo)
        {
            bars.Add(("seed-style, DynamoDB", dynamo.SeedEventsPerSecond, "dynamodb"));
            bars.Add(("this system, DynamoDB", dynamo.SystemEventsPerSecond, "dynamodb"));
            if (results.DynamoDbStreamed is { } streamed)
            {
                bars.Add(("this system, Kinesis + DynamoDB", streamed.EventsPerSecond, "dynamodb"));
            }
        }

        return bars.Count == 0 ? Charts.Bars("Ingest → decision: not measured in this run", "events/s", [("-", 1, "-")]) : Charts.Bars("Ingest → decision, events per second (same events, one run)", "events/s", bars);
    }

    private string MemorySvg() => results.Memory.Count == 0 ? Charts.Lines("Memory per active subscriber: not measured in this run", "active subscribers", "bytes", [("-", [(1, 0), (10, 0)])]) : Charts.Lines(
        "Memory per active subscriber",
        "active subscribers",
        "bytes of GC heap per subscriber",
        [
            .. results.Memory.GroupBy(m => m.Implementation)
                .Select(g => (g.Key, (IReadOnlyList<(double, double)>)[.. g.Select(m => ((double)m.Subscribers, m.Total))])),
            ("this system, beyond its state", [.. results.Memory.Where(m => m.Implementation == BenchmarkRun.SystemName).Select(m => ((double)m.Subscribers, m.BeyondState))]),
        ]);

    private string LatencySvg() => results.Latency is { } latency
        ? Charts.Histogram(
            $"Incident → dial request at half the peak ({Rate(latency.AchievedEventsPerSecond)} events/s)",
            "milliseconds",
            latency.SortedMilliseconds,
            [("p50", latency.P50), ("p99", latency.P99), ("p999", latency.P999)])
        : Charts.Histogram("Incident → dial request", "milliseconds", [], []);

    private static ReportRow Row(string measure, string system, string plain, string akka, string seed, string ratio, string target) =>
        new(measure, system, plain, akka, seed, ratio, target);

    /// <summary>Which targets the floor itself misses: no design with one grain per subscriber meets those on this machine.</summary>
    private static string FloorVerdict(Floor floor)
    {
        var missed = new List<string>();
        if (floor.Throughput.EventsPerSecond < 150_000)
        {
            missed.Add("150 000 events/s");
        }

        if (floor.ActivationPerSecond < 50_000)
        {
            missed.Add("50 000 activations/s");
        }

        if (floor.Throughput.AllocatedBytesPerEvent > 1_024)
        {
            missed.Add("1 KB allocated per event");
        }

        if (floor.BytesPerActivation > 1_024)
        {
            missed.Add("1 KB per subscriber beyond its state");
        }

        return missed.Count == 0
            ? "the floor meets every target it bounds"
            : $"the floor itself misses {string.Join(", ", missed)}: out of reach of one grain per subscriber on this machine";
    }

    private static string Pauses(Throughput throughput) => $"{Share(throughput.GcPauseShare)} ({throughput.MeanGcPauseMilliseconds:N1} ms)";

    private static string Rate(double value) => value.ToString("N0", Invariant);

    private static string Bytes(double value) => value.ToString("N0", Invariant) + " B";

    private static string Share(double value) => value.ToString("P1", Invariant);

    private static string Dollars(double value) => "$" + value.ToString(value < 1 ? "N3" : "N2", Invariant);

    private static string Ratio(double mine, double theirs) =>
        theirs <= 0 || double.IsNaN(mine) || double.IsNaN(theirs) ? "-" : (mine / theirs).ToString(mine / theirs < 10 ? "0.00" : "N0", Invariant) + "×";
}
