using System.Diagnostics;
using System.Net.Sockets;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Support;

/// <summary>
/// A wire-compatible stand-in for an AWS service (dynalite, …), installed by the test command
/// (<c>npm ci --prefix tests/servers</c>), started on a free loopback port and stopped with the fixture.
/// </summary>
public sealed class LocalServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _errors;
    private bool _disposed;

    private LocalServer(string package, Process process, Uri url, Queue<string> errors)
    {
        _process = process;
        _errors = errors;
        Url = url;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            if (!_disposed)
            {
                // A stand-in that dies under a test would otherwise show only as "connection refused".
                Console.Error.WriteLine($"{package} on port {url.Port} exited with code {process.ExitCode}: {LastErrors()}");
            }
        };
    }

    /// <summary>The last lines the server wrote to its standard error.</summary>
    public string LastErrors()
    {
        lock (_errors)
        {
            return _errors.Count == 0 ? "(nothing on stderr)" : string.Join(" | ", _errors);
        }
    }

    public Uri Url { get; }

    /// <param name="package">The npm package under tests/servers/node_modules.</param>
    /// <param name="script">Its command-line script, relative to the package.</param>
    /// <param name="arguments">Arguments; <c>{port}</c> is replaced with the chosen port.</param>
    public int Port => Url.Port;

    /// <param name="port">A port to listen on again (a restart); a free one if null.</param>
    public static Task<LocalServer> StartAsync(string package, string script, string arguments, int? port = null) =>
        StartScriptAsync(package, Repository.NodeModule(package, script), arguments, port);

    /// <summary>
    /// dynalite through tests/servers/dynalite-server.mjs, which keeps it up when a client goes away
    /// mid-request (dynalite itself crashes then: the silos the tests kill outright did that).
    /// </summary>
    public static Task<LocalServer> StartDynaliteAsync(string arguments)
    {
        Repository.NodeModule("dynalite", "cli.js");
        return StartStandInAsync("dynalite-server.mjs", arguments);
    }

    /// <summary>Starts one of the project's own stand-ins under tests/servers.</summary>
    public static Task<LocalServer> StartStandInAsync(string script, string arguments) =>
        StartScriptAsync(script, Path.Combine(Repository.Root, "tests", "servers", script), arguments, null);

    private static async Task<LocalServer> StartScriptAsync(string package, string path, string arguments, int? chosenPort)
    {

        var port = chosenPort ?? ChurnHost.FreePort();
        var start = new ProcessStartInfo("node", $"\"{path}\" {arguments.Replace("{port}", port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start node for {package}.");
        var errors = new Queue<string>();
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { Length: > 0 } text)
            {
                lock (errors)
                {
                    errors.Enqueue(text);
                    while (errors.Count > 20)
                    {
                        errors.Dequeue();
                    }
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{package} exited with code {process.ExitCode} before it listened on port {port}: {string.Join(" | ", errors)}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return new LocalServer(package, process, new Uri($"http://127.0.0.1:{port}"), errors);
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"{package} did not listen on port {port} within 30 s.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
