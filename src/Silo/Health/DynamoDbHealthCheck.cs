using Amazon.DynamoDBv2;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ChurnActors.Silo.Health;

/// <summary>Ready only while the grain-state table answers: without it no subscriber can activate.</summary>
public sealed class DynamoDbHealthCheck(IAmazonDynamoDB dynamo, string tableName) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var table = (await dynamo.DescribeTableAsync(tableName, timeout.Token)).Table;
            return table.TableStatus == TableStatus.ACTIVE
                ? HealthCheckResult.Healthy($"table {tableName} is active")
                : HealthCheckResult.Unhealthy($"table {tableName} is {table.TableStatus}");
        }
        catch (Exception exception) when (exception is AmazonDynamoDBException or HttpRequestException or OperationCanceledException or Amazon.Runtime.AmazonServiceException)
        {
            return HealthCheckResult.Unhealthy($"table {tableName} does not answer", exception);
        }
    }
}
