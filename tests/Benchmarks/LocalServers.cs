using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChurnActors.Benchmarks;

/// <summary>
/// The wire-compatible stand-ins for AWS the measurements run against (dynalite, kinesalite,
/// s3rver), from the lock file under tests/servers (installed with npm when missing), each on a free
/// loopback port, stopped with the run.
/// </summary>
public sealed class LocalServers : IAsyncDisposable
{
    public const string Bucket = "churn-bench-lake";

    private readonly List<Process> _processes = [];
    private readonly string _s3Directory = Path.Combine(Path.GetTempPath(), "churn-bench-s3-" + Guid.NewGuid().ToString("N")[..8]);

    private LocalServers()
    {
    }

    public Uri DynamoDb { get; private set; } = null!;

    public Uri Kinesis { get; private set; } = null!;

    public Uri S3 { get; private set; } = null!;

    public static async Task<LocalServers> StartAsync(string repositoryRoot)
    {
        var modules = Path.Combine(repositoryRoot, "tests", "servers", "node_modules");
        if (!Directory.Exists(Path.Combine(modules, "dynalite")))
        {
            Console.WriteLine("Installing the local AWS stand-ins (npm ci --prefix tests/servers)…");
            using var npm = Process.Start(new ProcessStartInfo("npm", "ci --prefix tests/servers --no-audit --no-fund --loglevel=error") { WorkingDirectory = repositoryRoot })
                ?? throw new InvalidOperationException("Could not start npm: the benchmark needs Node.js and npm for its local AWS stand-ins.");
            await npm.WaitForExitAsync();
            if (npm.ExitCode != 0)
            {
                throw new InvalidOperationException($"npm ci --prefix tests/servers failed with code {npm.ExitCode}.");
            }
        }

        var servers = new LocalServers();
        try
        {
            Directory.CreateDirectory(servers._s3Directory);
            servers.DynamoDb = await servers.StartAsync(Path.Combine(repositoryRoot, "tests", "servers", "dynalite-server.mjs"), "--port {port} --createTableMs 0 --deleteTableMs 0 --updateTableMs 0");
            servers.Kinesis = await servers.StartAsync(Path.Combine(modules, "kinesalite", "cli.js"), "--port {port} --shardLimit 2000 --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0");
            servers.S3 = await servers.StartAsync(Path.Combine(modules, "s3rver", "bin", "s3rver.js"), $"--address 127.0.0.1 --port {{port}} --directory \"{servers._s3Directory}\" --configure-bucket {Bucket} --silent");
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        if (Directory.Exists(_s3Directory))
        {
            Directory.Delete(_s3Directory, recursive: true);
        }
    }

    private async Task<Uri> StartAsync(string script, string arguments)
    {
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo("node", $"\"{script}\" {arguments.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"Could not start node for {script}.");
        _processes.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline;)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return new Uri($"http://127.0.0.1:{port}");
            }
            catch (SocketException) when (!process.HasExited)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"{Path.GetFileName(Path.GetDirectoryName(script))} did not listen on port {port} within 30 s.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
