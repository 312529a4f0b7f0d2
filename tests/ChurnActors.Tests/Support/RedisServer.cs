using System.Diagnostics;
using System.Net.Sockets;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Support;

/// <summary>
/// One redis-server (Debian's, installed by the test command) on a free loopback port: in memory only
/// for the run's shared fixture, or durable (<see cref="StartDurableAsync"/>: every write in an
/// append-only file, as a production Redis keeps it) for a test that kills it and starts it again.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private const string Executable = "/usr/bin/redis-server";
    private Process? _process;
    private int _port;
    private string? _directory;

    public string ConnectionString => $"127.0.0.1:{_port}";

    public Task InitializeAsync()
    {
        _port = ChurnHost.FreePort();
        return StartAsync();
    }

    /// <summary>A server of its own whose data outlives a kill: <see cref="KillAsync"/> then <see cref="StartAsync"/> brings it back as it was.</summary>
    public static async Task<RedisServer> StartDurableAsync()
    {
        var server = new RedisServer { _port = ChurnHost.FreePort(), _directory = Directory.CreateTempSubdirectory("churn-redis-").FullName };
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the server on its port (again, after a kill: from its append-only file if it is durable).</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing. Run ./scripts/test.sh, which installs Debian's redis-server.");
        }

        var persistence = _directory is null ? "--appendonly no" : $"--appendonly yes --appendfsync always --dir \"{_directory}\"";
        _process = Process.Start(new ProcessStartInfo(Executable, $"--port {_port} --bind 127.0.0.1 --save \"\" {persistence}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", _port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on port {_port}.");
    }

    /// <summary>SIGKILL: the server is gone at once, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async Task DisposeAsync()
    {
        await KillAsync();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

/// <summary>Silos on Redis membership, their state in DynamoDB, their streams on Kinesis, calls through the Connect stand-in.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<RedisServer>, ICollectionFixture<DynamoDbServer>, ICollectionFixture<ConnectStandIn>, ICollectionFixture<KinesisServer>
{
    public const string Name = "cluster";
}
