using Amazon;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Amazon.S3;

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

    public static IAmazonS3 S3(Uri? serviceUrl, string? region)
    {
        var config = new AmazonS3Config
        {
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = MaxErrorRetry,
            Timeout = TimeSpan.FromSeconds(30),

            // Checksums only where S3 requires them: local S3 servers do not speak the streaming trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (serviceUrl is null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            return new AmazonS3Client(config);
        }

        config.ServiceURL = serviceUrl.ToString();
        config.ForcePathStyle = true;
        config.AuthenticationRegion = region ?? "us-east-1";

        // s3rver's fixed credentials.
        return new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), config);
    }
}
