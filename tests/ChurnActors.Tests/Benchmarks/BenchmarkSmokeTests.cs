using System.Diagnostics;
using System.Text.Json;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Benchmarks;

/// <summary>
/// The benchmark's <c>--smoke</c> run, as a process of its own: every measurement at a tiny size, a
/// report with every row, charts, and the plain loop, the Akka.NET peer and the system deciding the
/// same on the check events. Speed is never asserted here; the figures live in docs/benchmarks.md.
/// </summary>
[Collection(BenchmarkSmokeCollection.Name)]
public sealed class BenchmarkSmokeTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly string[] RequiredMeasures =
    [
        "ingest → decision",
        "activation (first event of a subscriber)",
        "allocated per event",
        "GC pauses, share of wall time",
        "incident → dial request at half the peak",
        "memory per active subscriber at 300",
        "memory per active subscriber at 1,000",
        "on DynamoDB (one dynalite): events/s",
        "DynamoDB writes per 1 000 events",
        "DynamoDB request units per event",
        "AWS requests per million probe events",
        "same decisions on the check events",
    ];

    private readonly string _out = Path.Combine(Path.GetTempPath(), "churn-bench-smoke-test-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_out))
        {
            Directory.Delete(_out, recursive: true);
        }
    }

    [Fact]
    public async Task The_smoke_run_fills_every_row_and_the_three_implementations_decide_the_same()
    {
        var (exitCode, console) = await RunAsync("--smoke", "--out", _out);
        output.WriteLine(console.Length > 4000 ? console[^4000..] : console);

        Assert.True(exitCode == 0, $"the benchmark exited with {exitCode}:\n{console[^Math.Min(3000, console.Length)..]}");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "benchmarks.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        foreach (var measure in RequiredMeasures)
        {
            var row = rows.FirstOrDefault(r => r.GetProperty("measure").GetString()!.StartsWith(measure, StringComparison.Ordinal));
            Assert.True(row.ValueKind == JsonValueKind.Object, $"no row for '{measure}'");
            Assert.False(string.IsNullOrWhiteSpace(row.GetProperty("system").GetString()), $"'{measure}' has no figure for the system");
        }

        var decisions = json.RootElement.GetProperty("results").GetProperty("decisions");
        var summaries = new[] { "this system", "plain loop", "Akka.NET sharding" }.Select(name => decisions.GetProperty(name)).ToList();
        Assert.True(json.RootElement.GetProperty("sameDecisions").GetBoolean());
        Assert.All(summaries, s => Assert.Equal(summaries[0].GetRawText(), s.GetRawText()));
        Assert.True(summaries[0].GetProperty("engagements").GetInt64() > 0, "the check events engaged nobody: equal decisions would prove nothing");
        Assert.True(summaries[0].GetProperty("duplicates").GetInt64() > 0, "the check events held no duplicate");

        var markdown = await File.ReadAllTextAsync(Path.Combine(_out, "benchmarks.md"));
        foreach (var chart in new[] { "benchmarks-throughput.svg", "benchmarks-memory.svg", "benchmarks-latency.svg" })
        {
            Assert.Contains($"]({chart})", markdown, StringComparison.Ordinal);
            Assert.StartsWith("<svg", await File.ReadAllTextAsync(Path.Combine(_out, chart)), StringComparison.Ordinal);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var assembly = Path.Combine(Repository.Root, "tests", "Benchmarks", "bin", configuration, "net10.0", "ChurnActors.Benchmarks.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is missing: build the solution ({configuration}) first; ./scripts/test.sh does.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Repository.Root };
        start.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The smoke run did not end within 5 minutes:\n{await stdout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>The smoke run takes both cores for most of a minute: it runs alone, so it does not upset the timing of the tests beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkSmokeCollection
{
    public const string Name = "benchmark smoke";
}
