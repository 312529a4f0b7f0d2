using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;

namespace ChurnActors.Adapters;

/// <summary>
/// AWS clients as configured: a <c>ServiceUrl</c> means a local wire-compatible server (any
/// credentials do); none means the real endpoint of the region with the default credential chain
/// (the ECS task role). Throttling, 5xx and network faults are retried by the SDK with backoff.
/// </summary>
public static class AwsClients
{
    /// <summary>Attempts after the first for a retryable failure (SDK standard mode: exponential backoff with jitter).</summary>
    public const int MaxErrorRetry = 8;

    public static IAmazonDynamoDB DynamoDb(Uri? serviceUrl, string? region)
    {
        var config = new AmazonDynamoDBConfig
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = MaxErrorRetry,
            Timeout = TimeSpan.FromSeconds(10),
        };
        if (serviceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            return new AmazonDynamoDBClient(config);
        }

        config.ServiceURL = serviceUrl.ToString();
        config.AuthenticationRegion = region ?? "us-east-1";
        return new AmazonDynamoDBClient(new BasicAWSCredentials("local", "local"), config);
    }
}
