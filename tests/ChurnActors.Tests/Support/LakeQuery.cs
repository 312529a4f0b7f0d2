using System.Diagnostics;
using System.Text.Json;

namespace ChurnActors.Tests.Support;

/// <summary>SQL over a data-lake directory with DuckDB (tests/servers/lake-query.mjs), a Parquet reader independent of the writer's.</summary>
public static class LakeQuery
{
    public static async Task<List<Dictionary<string, JsonElement>>> RunAsync(string lake, string sqlOrFile, bool isFile = false)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { Path.Combine(Repository.Root, "tests", "servers", "lake-query.mjs"), "--lake", lake, isFile ? "--file" : "--sql", sqlOrFile },
        };
        Repository.NodeModule("@duckdb/node-api", "package.json");
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"lake-query failed ({node.ExitCode}): {await errors}");
        }

        return JsonSerializer.Deserialize<List<Dictionary<string, JsonElement>>>(await output)!;
    }
}
