using Amazon.S3;
using Amazon.S3.Model;
using ChurnActors.Adapters;

namespace ChurnActors.Tests.Support;

/// <summary>One s3rver for the run, with a bucket, keeping its objects on disk so it can be stopped and started again.</summary>
public sealed class S3Server : IAsyncLifetime
{
    public const string Bucket = "churn-lake";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "churn-test-s3rver-" + Guid.NewGuid().ToString("N"));
    private LocalServer? _server;
    private int _port;

    public Uri Url => new($"http://127.0.0.1:{_port}");

    public IAmazonS3 Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await StartAsync(null);
        Client = AwsClients.S3(Url, "us-east-1");
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await StopAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>An outage: the server is gone until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }
    }

    public Task StartAgainAsync() => StartAsync(_port);

    /// <summary>Downloads every object of the bucket under <paramref name="target"/>, keys as paths.</summary>
    public async Task<IReadOnlyList<string>> DownloadAsync(string target)
    {
        var keys = new List<string>();
        string? continuation = null;
        do
        {
            var page = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, ContinuationToken = continuation });
            foreach (var entry in page.S3Objects ?? [])
            {
                keys.Add(entry.Key);
                using var response = await Client.GetObjectAsync(Bucket, entry.Key);
                var path = Path.Combine(target, entry.Key);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await using var file = File.Create(path);
                await response.ResponseStream.CopyToAsync(file);
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);

        return keys;
    }

    private async Task StartAsync(int? port)
    {
        Directory.CreateDirectory(_directory);
        _server = await LocalServer.StartAsync("s3rver", "bin/s3rver.js", $"--address 127.0.0.1 --port {{port}} --directory \"{_directory}\" --configure-bucket {Bucket} --silent", port);
        _port = _server.Port;
    }
}

[CollectionDefinition(Name)]
public sealed class S3Collection : ICollectionFixture<S3Server>
{
    public const string Name = "s3";
}
