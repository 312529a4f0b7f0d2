using ChurnActors.Benchmarks;
using ChurnActors.Benchmarks.Reporting;

// The benchmark report: this system, the plain-loop limit, the Akka.NET peer and the serverless
// design's data path, side by side on the same events in one run, written to docs/benchmarks.md.
// Usage: dotnet run -c Release --project tests/Benchmarks [-- options]; --help lists them.
if (args.Contains("--help"))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

var root = Repository.Root;
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args, root);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

var results = await new BenchmarkRun(options, root).RunAsync();
var report = new Report(results, options);
Console.WriteLine();
Console.WriteLine(report.ToText());
var written = await report.WriteAsync(options.OutputDirectory);
Console.WriteLine($"Written: {string.Join(", ", written)}");
return results.SameDecisions ? 0 : 1;
