using System.Globalization;

namespace ChurnActors.Benchmarks;

/// <summary>What one run measures and how big: <c>dotnet run -c Release --project tests/Benchmarks -- [options]</c>.</summary>
public sealed record BenchmarkOptions(
    int Subscribers,
    int[] MemorySizes,
    TimeSpan Duration,
    TimeSpan DynamoDbDuration,
    int DynamoDbSubscribers,
    TimeSpan CostDuration,
    int DecisionSubscribers,
    string OutputDirectory,
    bool Smoke,
    IReadOnlySet<string>? Only = null)
{
    /// <summary>The measurements, by the names <c>--only</c> takes.</summary>
    public static readonly string[] Measurements = ["decisions", "system", "floor", "plain", "akka", "memory", "dynamodb", "cost"];

    public bool Runs(string measurement) => Only is null || Only.Contains(measurement);

    public const string Usage =
        "Options: --subscribers N (100000) --memory-sizes 10000,100000,1000000 --seconds S (20, each throughput phase) " +
        "--dynamodb-seconds S (20) --dynamodb-subscribers N (5000) --cost-seconds S (60) --decision-subscribers N (2000) " +
        "--out DIR (docs) --smoke (everything tiny, in seconds; report to a temporary directory unless --out) " +
        "--only decisions,system,floor,plain,akka,memory,dynamodb,cost (a part of the run; the report then lacks the rest)";

    public static BenchmarkOptions Parse(string[] args, string repositoryRoot)
    {
        var smoke = args.Contains("--smoke");
        var options = smoke
            ? new BenchmarkOptions(2_000, [300, 1_000], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), 100, TimeSpan.FromSeconds(6), 300, Path.Combine(Path.GetTempPath(), "churn-bench-smoke-" + Guid.NewGuid().ToString("N")[..8]), true)
            : new BenchmarkOptions(100_000, [10_000, 100_000, 1_000_000], TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(20), 5_000, TimeSpan.FromSeconds(60), 2_000, Path.Combine(repositoryRoot, "docs"), false);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--smoke")
            {
                continue;
            }

            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            }

            var value = args[++i];
            options = args[i - 1] switch
            {
                "--subscribers" => options with { Subscribers = Positive(value) },
                "--memory-sizes" => options with { MemorySizes = [.. value.Split(',').Select(Positive).Order()] },
                "--seconds" => options with { Duration = TimeSpan.FromSeconds(Positive(value)) },
                "--dynamodb-seconds" => options with { DynamoDbDuration = TimeSpan.FromSeconds(Positive(value)) },
                "--dynamodb-subscribers" => options with { DynamoDbSubscribers = Positive(value) },
                "--cost-seconds" => options with { CostDuration = TimeSpan.FromSeconds(Positive(value)) },
                "--decision-subscribers" => options with { DecisionSubscribers = Positive(value) },
                "--out" => options with { OutputDirectory = Path.GetFullPath(value) },
                "--only" => options with { Only = OnlyOf(value) },
                _ => throw new ArgumentException($"Unknown option {args[i - 1]}. {Usage}"),
            };
        }

        return options;
    }

    private static HashSet<string> OnlyOf(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (names.Except(Measurements).FirstOrDefault() is { } unknown)
        {
            throw new ArgumentException($"--only: '{unknown}' is not a measurement; they are {string.Join(", ", Measurements)}.");
        }

        return names.Contains("cost") && !names.Contains("dynamodb")
            ? throw new ArgumentException("--only: cost prices the seed-style pipeline from what dynamodb measures; ask for dynamodb,cost.")
            : names;
    }

    private static int Positive(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{text}' is not a positive whole number. {Usage}");
}
