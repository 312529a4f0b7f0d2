using ChurnActors.Adapters.Aws;
using ChurnActors.Adapters.Kinesis;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChurnActors.Tests.Support;

/// <summary>One kinesalite for the Kinesis tests of the run; each test uses streams of its own.</summary>
public sealed class KinesisServer : IAsyncLifetime
{
    private LocalServer? _server;

    public Uri Url => _server!.Url;

    public async Task InitializeAsync() =>
        _server = await LocalServer.StartAsync("kinesalite", "cli.js", "--port {port} --shardLimit 2000 --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0");

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A client of the local server; <paramref name="handler"/> sits between it and the wire (to count or to inject faults).</summary>
    public KinesisClient Client(HttpMessageHandler? handler = null, int maxAttempts = 5) =>
        new(
            new HttpClient(handler ?? new SocketsHttpHandler()),
            Url,
            "us-east-1",
            new StaticCredentialSource(new SigV4Credentials("local", "local")),
            TimeProvider.System,
            NullLogger<KinesisClient>.Instance)
        {
            MaxAttempts = maxAttempts,
        };

    public static string NewStreamName() => "churn-test-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates a stream and waits until it is active.</summary>
    public async Task<string> CreateStreamAsync(int shards)
    {
        var name = NewStreamName();
        var client = Client();
        await client.CreateStreamAsync(name, shards, CancellationToken.None);
        while ((await client.DescribeStreamSummaryAsync(name, CancellationToken.None)).StreamStatus != "ACTIVE")
        {
            await Task.Delay(50);
        }

        return name;
    }
}

[CollectionDefinition(Name)]
public sealed class KinesisCollection : ICollectionFixture<KinesisServer>, ICollectionFixture<DynamoDbServer>
{
    public const string Name = "kinesis";
}
