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

    /// <summary>Splits a shard (an operator's resharding; not a call the product makes, so sent raw).</summary>
    public async Task SplitShardAsync(string stream, string shardId, string newStartingHashKey)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Url)
        {
            Content = new StringContent(
                System.Text.Json.JsonSerializer.Serialize(new { StreamName = stream, ShardToSplit = shardId, NewStartingHashKey = newStartingHashKey }),
                System.Text.Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        request.Headers.Add("X-Amz-Target", "Kinesis_20131202.SplitShard");
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0");
        request.Headers.Add("X-Amz-Date", "20260101T000000Z");
        var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"SplitShard failed: {await response.Content.ReadAsStringAsync()}");
        }

        while ((await Client().DescribeStreamSummaryAsync(stream, CancellationToken.None)).StreamStatus != "ACTIVE")
        {
            await Task.Delay(50);
        }
    }

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
