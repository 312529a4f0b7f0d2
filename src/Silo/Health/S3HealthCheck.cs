using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChurnActors.Silo.Health;

/// <summary>Ready only while the lake bucket answers: without it archivers stop taking records.</summary>
public sealed class S3HealthCheck(IAmazonS3 s3, string bucket) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            // HEAD on the bucket: cheap, and unlike a listing it does not depend on the objects in it.
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, timeout.Token);
            return HealthCheckResult.Healthy($"bucket {bucket} answers");
        }
        catch (Exception exception) when (exception is AmazonS3Exception or HttpRequestException or OperationCanceledException or Amazon.Runtime.AmazonServiceException)
        {
            return HealthCheckResult.Unhealthy($"bucket {bucket} does not answer", exception);
        }
    }
}
