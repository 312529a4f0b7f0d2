using System.Diagnostics;
using System.Net.Sockets;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Support;

/// <summary>One redis-server (Debian's, installed by the test command) for the run, in memory only, on a free loopback port.</summary>
public sealed class RedisServer : IAsyncLifetime
{
    private const string Executable = "/usr/bin/redis-server";
    private Process? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} is missing. Run ./scripts/test.sh, which installs Debian's redis-server.");
        }

        var port = ChurnHost.FreePort();
        _process = Process.Start(new ProcessStartInfo(Executable, $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
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
                await client.ConnectAsync("127.0.0.1", port);
                ConnectionString = $"127.0.0.1:{port}";
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException($"redis-server did not listen on port {port}.");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }
}

/// <summary>Silos on Redis membership, their state in DynamoDB, their streams on Kinesis, calls through the Connect stand-in.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<RedisServer>, ICollectionFixture<DynamoDbServer>, ICollectionFixture<ConnectStandIn>, ICollectionFixture<KinesisServer>
{
    public const string Name = "cluster";
}
