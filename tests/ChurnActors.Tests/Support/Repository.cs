namespace ChurnActors.Tests.Support;

/// <summary>Where the repository and the npm packages the test command installs are.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>A path inside an npm package installed under tests/servers, or a clear failure if it is not installed.</summary>
    public static string NodeModule(string package, string relativePath)
    {
        var path = Path.Combine(Root, "tests", "servers", "node_modules", package, relativePath);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"{package} is not installed ({path} is missing). Run ./scripts/test.sh, which installs it with 'npm ci --prefix tests/servers'.");
        }

        return path;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChurnActors.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ChurnActors.sln above {AppContext.BaseDirectory}.");
    }
}
