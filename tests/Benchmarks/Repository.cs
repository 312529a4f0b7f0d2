namespace ChurnActors.Benchmarks;

/// <summary>Where the repository is (for tests/servers and docs/), found from where the benchmark runs.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "ChurnActors.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No ChurnActors.sln above {AppContext.BaseDirectory}: run the benchmark from the repository.");
    }
}
