using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Support;

/// <summary>
/// A silo or a gateway as its own process (the built <c>ChurnActors.Silo.dll</c> or
/// <c>ChurnActors.Gateway.dll</c>), so a test can kill it outright (SIGKILL: no shutdown, no flush, no
/// last checkpoint) as a crash or a lost ECS task would.
/// </summary>
public sealed class ChurnProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly StreamWriter _log;
    private bool _closed;

    private ChurnProcess(Process process, Uri address, int siloPort)
    {
        _process = process;
        Address = address;
        SiloPort = siloPort;
        Http = new HttpClient { BaseAddress = address };
        LogFile = Path.Combine(Path.GetTempPath(), $"churn-silo-{siloPort}-{Guid.NewGuid():N}.log");
        _log = new StreamWriter(LogFile) { AutoFlush = true };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    /// <summary>The Orleans silo-to-silo port: the silo's address in membership is 127.0.0.1:{port} (0 for a gateway).</summary>
    public int SiloPort { get; }

    public HttpClient Http { get; }

    /// <summary>The last lines the silo wrote, for a failure message.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Every line the silo wrote, standard output and error, removed with it.</summary>
    public string LogFile { get; }

    /// <summary>Every line written so far (the log file read while the silo may still write).</summary>
    public IReadOnlyList<string> AllLines()
    {
        lock (_log)
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var lines = new List<string>();
            while (reader.ReadLine() is { } line)
            {
                lines.Add(line);
            }

            return lines;
        }
    }

    /// <summary>Starts a silo and waits until it is ready.</summary>
    public static Task<ChurnProcess> StartAsync(IDictionary<string, string?> settings) => StartAppAsync("Silo", new Dictionary<string, string?>
    {
        ["Churn:Clustering:SiloPort"] = ChurnHost.FreePort().ToString(CultureInfo.InvariantCulture),
        ["Churn:Clustering:GatewayPort"] = ChurnHost.FreePort().ToString(CultureInfo.InvariantCulture),
        ["Churn:Simulator:Enabled"] = "false",
    }, settings);

    /// <summary>Starts a gateway (an Orleans client of the silos its settings name) and waits until it is ready.</summary>
    public static Task<ChurnProcess> StartGatewayAsync(IDictionary<string, string?> settings) => StartAppAsync("Gateway", new Dictionary<string, string?>(), settings);

    private static async Task<ChurnProcess> StartAppAsync(string app, IDictionary<string, string?> defaults, IDictionary<string, string?> settings)
    {
        var assembly = Path.Combine(Repository.Root, "src", app, "bin", BuildConfiguration, "net10.0", $"ChurnActors.{app}.dll");
        if (!File.Exists(assembly))
        {
            throw new InvalidOperationException($"{assembly} is missing: build the solution ({BuildConfiguration}) first; ./scripts/test.sh does.");
        }

        var port = settings.TryGetValue("Urls", out var urls) && urls is not null ? new Uri(urls).Port : ChurnHost.FreePort();
        var start = new ProcessStartInfo("dotnet", $"\"{assembly}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        var all = new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{port}",
            ["Churn:Gateway:FeedbackSecret"] = ChurnHost.FeedbackSecret,
            ["Churn:Gateway:Access:OpenOnLoopback"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in defaults.Concat(settings))
        {
            all[key] = value;
        }

        foreach (var (key, value) in all)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start dotnet for the {app}.");
        var silo = new ChurnProcess(process, new Uri($"http://127.0.0.1:{port}"), all.TryGetValue("Churn:Clustering:SiloPort", out var siloPort) ? int.Parse(siloPort!, CultureInfo.InvariantCulture) : 0);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {app} exited with code {process.ExitCode} before it was ready:\n{silo.Output}");
            }

            try
            {
                if ((await silo.Http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return silo;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        await silo.DisposeAsync();
        throw new InvalidOperationException($"The {app} was not ready within 90 s:\n{silo.Output}");
    }

    /// <summary>
    /// Runs a crash test over the silo processes it starts (it adds each to the list it is given): an
    /// error that is not an assertion is raised again with every silo's output, and every silo is
    /// disposed at the end.
    /// </summary>
    public static async Task WithSilosAsync(Func<List<ChurnProcess>, Task> test)
    {
        var silos = new List<ChurnProcess>();
        try
        {
            await test(silos);
        }
        catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
        {
            throw new InvalidOperationException($"{exception.Message}\n{string.Join("\n", silos.Select((s, i) => $"--- silo {i + 1} ---\n{s.Output}"))}", exception);
        }
        finally
        {
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>SIGKILL: the process ends at once, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await KillAsync();
        _process.Dispose();
        lock (_log)
        {
            _closed = true;
            _log.Dispose();
        }

        File.Delete(LogFile);
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }

    /// <summary>The configuration this test assembly was built in; the silo is taken from the same.</summary>
    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
}
