using Amazon.DynamoDBv2;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChurnActors.Silo.Health;

/// <summary>
/// Ready only while a service the silo cannot work without answers a cheap request within 5 s: the
/// grain-state table (no subscriber can activate without it), the lake bucket (archivers stop taking records).
/// </summary>
public sealed class DependencyHealthCheck(string what, Func<CancellationToken, Task<string?>> probe) : IHealthCheck
{
    public static DependencyHealthCheck Table(IAmazonDynamoDB dynamo, string table) => new($"table {table}", async token =>
    {
        ChurnActors.Adapters.Aws.AwsUsage.Request("dynamodb", "DescribeTable");
        var status = (await dynamo.DescribeTableAsync(table, token)).Table.TableStatus;
        return status == TableStatus.ACTIVE ? null : $"is {status}";
    });

    // HEAD on the bucket: cheap, and unlike a listing it does not depend on the objects in it.
    public static DependencyHealthCheck Stream(ChurnActors.Adapters.Kinesis.KinesisClient kinesis, string stream) => new($"stream {stream}", async token =>
    {
        var status = (await kinesis.DescribeStreamSummaryAsync(stream, token)).StreamStatus;
        return status is "ACTIVE" or "UPDATING" ? null : $"is {status}";
    });

    public static DependencyHealthCheck Bucket(IAmazonS3 s3, string bucket) => new($"bucket {bucket}", async token =>
    {
        ChurnActors.Adapters.Aws.AwsUsage.Request("s3", "HeadBucket");
        await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, token);
        return null;
    });

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return await probe(timeout.Token) is { } problem
                ? HealthCheckResult.Unhealthy($"{what} {problem}")
                : HealthCheckResult.Healthy($"{what} answers");
        }
        catch (Exception exception) when (exception is Amazon.Runtime.AmazonServiceException or HttpRequestException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{what} does not answer", exception);
        }
    }
}

/// <summary>Not ready while a shard this silo reads has stood still with records waiting (<see cref="ChurnActors.Adapters.Kinesis.KinesisShardProgress"/>).</summary>
public sealed class ShardProgressHealthCheck(ChurnActors.Adapters.Kinesis.KinesisShardProgress progress) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stalled = progress.Stalled();
        return Task.FromResult(stalled.Count == 0
            ? HealthCheckResult.Healthy($"stream {progress.StreamName}: {progress.Shards} shards read here, none stalled")
            : HealthCheckResult.Unhealthy($"stream {progress.StreamName}: " + string.Join(
                "; ", stalled.Select(s => $"shard {s.Shard} has not advanced for {s.Still.TotalSeconds:F0} s while records wait"))));
    }
}
