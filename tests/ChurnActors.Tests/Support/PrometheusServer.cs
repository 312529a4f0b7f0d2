using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Support;

/// <summary>
/// Debian's <c>prometheus</c> (installed by the test command) on a free loopback port, scraping the
/// given targets every second into a store of its own, queried over its HTTP API as a dashboard does.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly string _directory;

    private PrometheusServer(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public HttpClient Http { get; }

    /// <summary>Starts Prometheus scraping <c>/metrics</c> of each target (a job per name) every second.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, Uri> targets)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing. Run ./scripts/test.sh, which installs Debian's prometheus.");
        }

        var directory = Directory.CreateTempSubdirectory("churn-prometheus-").FullName;
        var yaml = new System.Text.StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n");
        foreach (var (job, target) in targets)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - job_name: {job}\n    metrics_path: /metrics\n    static_configs:\n      - targets: ['{target.Authority}']\n");
        }

        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, yaml.ToString());
        var port = ChurnHost.FreePort();
        var process = Process.Start(new ProcessStartInfo(
            Executable,
            $"--config.file={config} --storage.tsdb.path={Path.Combine(directory, "data")} --web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = new List<string>();
        process.OutputDataReceived += (_, e) => Keep(output, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
        for (var attempt = 0; attempt < 150; attempt++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {process.ExitCode}:\n{string.Join('\n', output)}");
            }

            try
            {
                if ((await server.Http.GetAsync("/-/ready")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"prometheus was not ready within 30 s:\n{string.Join('\n', output)}");
    }

    /// <summary>An instant query: each series' labels and value.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string query)
    {
        using var answer = await Http.GetFromJsonAsync<JsonDocument>($"/api/v1/query?query={Uri.EscapeDataString(query)}");
        var data = answer!.RootElement.GetProperty("data");
        return [.. data.GetProperty("result").EnumerateArray().Select(series => (
            series.GetProperty("metric").EnumerateObject().ToDictionary(l => l.Name, l => l.Value.GetString()!),
            double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>The single value of a query that sums to one series (0 when nothing matches).</summary>
    public async Task<double> ValueAsync(string query) => (await QueryAsync(query)).Sum(s => s.Value);

    /// <summary>Every label value of every series Prometheus holds.</summary>
    public async Task<IReadOnlyList<(string Series, string Label, string Value)>> AllLabelValuesAsync()
    {
        using var answer = await Http.GetFromJsonAsync<JsonDocument>($"/api/v1/series?match[]={Uri.EscapeDataString("{__name__=~\".+\"}")}");
        return [.. answer!.RootElement.GetProperty("data").EnumerateArray().SelectMany(series =>
        {
            var labels = series.EnumerateObject().ToList();
            var name = labels.First(l => l.Name == "__name__").Value.GetString()!;
            return labels.Select(l => (name, l.Name, l.Value.GetString()!));
        })];
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static void Keep(List<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Add(line);
            if (output.Count > 200)
            {
                output.RemoveAt(0);
            }
        }
    }
}
