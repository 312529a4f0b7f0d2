using Amazon.DynamoDBv2;
using ChurnActors.Adapters;

namespace ChurnActors.Tests.Support;

/// <summary>One dynalite for every DynamoDB test of the run; each test uses tables of its own.</summary>
public sealed class DynamoDbServer : IAsyncLifetime
{
    private LocalServer? _server;

    public Uri Url => _server!.Url;

    public IAmazonDynamoDB Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _server = await LocalServer.StartDynaliteAsync("--port {port} --createTableMs 0 --deleteTableMs 0 --updateTableMs 0");
        Client = AwsClients.DynamoDb(Url, "us-east-1");
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public static string NewTableName() => "churn-test-" + Guid.NewGuid().ToString("N")[..12];
}

[CollectionDefinition(Name)]
public sealed class DynamoDbCollection : ICollectionFixture<DynamoDbServer>
{
    public const string Name = "dynamodb";
}
