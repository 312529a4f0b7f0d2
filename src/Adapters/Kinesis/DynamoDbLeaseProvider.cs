using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Adapters.Aws;
using ChurnActors.Adapters.Storage;
using Microsoft.Extensions.Logging;
using Orleans.LeaseProviders;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// Leases for Orleans' <c>LeaseBasedQueueBalancer</c> in the shard-checkpoint table (hash key
/// <c>pk</c> = <c>lease/{service}/{category}/{resource}</c>), in the KCL's spirit: a lease is an item
/// with a token and an expiry, taken by a conditional write only when it is absent or expired,
/// renewed and released only by the holder of its token. A silo that dies keeps its shards only
/// until their leases expire; another then takes them, and the checkpoints (conditional on their
/// owner) refuse the stale one should it come back.
/// </summary>
public sealed partial class DynamoDbLeaseProvider(IAmazonDynamoDB dynamo, string table, string serviceId, TimeProvider time, ILogger<DynamoDbLeaseProvider> logger) : ILeaseProvider
{
    private const string KeyAttribute = "pk";
    private const string TokenAttribute = "leaseToken";
    private const string ExpiresAttribute = "leaseExpiresAt";

    private readonly SemaphoreSlim _ensure = new(1, 1);
    private bool _tableReady;

    public async Task<AcquireLeaseResult[]> Acquire(string category, LeaseRequest[] leaseRequests)
    {
        await EnsureTableAsync();
        return await Task.WhenAll(leaseRequests.Select(request => AcquireAsync(category, request)));
    }

    public async Task<AcquireLeaseResult[]> Renew(string category, AcquiredLease[] aquiredLeases)
    {
        await EnsureTableAsync();
        return await Task.WhenAll(aquiredLeases.Select(lease => RenewAsync(category, lease)));
    }

    public async Task Release(string category, AcquiredLease[] aquiredLeases)
    {
        await EnsureTableAsync();
        await Task.WhenAll(aquiredLeases.Select(lease => ReleaseAsync(category, lease)));
    }

    private async Task<AcquireLeaseResult> AcquireAsync(string category, LeaseRequest request)
    {
        var now = time.GetUtcNow();
        var token = Guid.NewGuid().ToString("N");
        var item = Key(category, request.ResourceKey);
        item[TokenAttribute] = new AttributeValue { S = token };
        item[ExpiresAttribute] = Millis(now + request.Duration);
        var put = new PutItemRequest
        {
            TableName = table,
            Item = item,
            ConditionExpression = $"attribute_not_exists({KeyAttribute}) OR #e < :now",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#e"] = ExpiresAttribute },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":now"] = Millis(now) },
        };
        return await ConditionalAsync(
            "PutItem",
            () => dynamo.PutItemAsync(put),
            new AcquiredLease(request.ResourceKey, request.Duration, token, now.UtcDateTime),
            new AcquiredLease(request.ResourceKey),
            ResponseCode.LeaseNotAvailable);
    }

    private async Task<AcquireLeaseResult> RenewAsync(string category, AcquiredLease lease)
    {
        var now = time.GetUtcNow();
        var update = new UpdateItemRequest
        {
            TableName = table,
            Key = Key(category, lease.ResourceKey),
            UpdateExpression = "SET #e = :expires",
            ConditionExpression = "#t = :token",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#e"] = ExpiresAttribute, ["#t"] = TokenAttribute },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":expires"] = Millis(now + lease.Duration),
                [":token"] = new AttributeValue { S = lease.Token },
            },
        };
        return await ConditionalAsync(
            "UpdateItem",
            () => dynamo.UpdateItemAsync(update),
            new AcquiredLease(lease.ResourceKey, lease.Duration, lease.Token, now.UtcDateTime),
            lease,
            ResponseCode.InvalidToken);
    }

    private async Task ReleaseAsync(string category, AcquiredLease lease)
    {
        var delete = new DeleteItemRequest
        {
            TableName = table,
            Key = Key(category, lease.ResourceKey),
            ConditionExpression = "#t = :token",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#t"] = TokenAttribute },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":token"] = new AttributeValue { S = lease.Token } },
        };

        // A lease another silo holds by now is not this one's to release.
        var result = await ConditionalAsync("DeleteItem", () => dynamo.DeleteItemAsync(delete), lease, lease, ResponseCode.InvalidToken);
        if (result.StatusCode == ResponseCode.TransientFailure)
        {
            LogReleaseFailed(logger, lease.ResourceKey, result.FailureException!);
        }
    }

    /// <summary>Runs one conditional write: OK, <paramref name="refused"/> when its condition failed, or a transient failure.</summary>
    private async Task<AcquireLeaseResult> ConditionalAsync(string operation, Func<Task> write, AcquiredLease taken, AcquiredLease notTaken, ResponseCode refused)
    {
        try
        {
            await write();
            return new AcquireLeaseResult(taken, ResponseCode.OK, null);
        }
        catch (ConditionalCheckFailedException)
        {
            return new AcquireLeaseResult(notTaken, refused, null);
        }
        catch (Exception exception) when (exception is Amazon.Runtime.AmazonServiceException or HttpRequestException or TaskCanceledException)
        {
            return new AcquireLeaseResult(notTaken, ResponseCode.TransientFailure, exception);
        }
        finally
        {
            // A refused conditional write costs its unit too.
            AwsUsage.DynamoDbWrite(table, operation, 100);
        }
    }

    private async Task EnsureTableAsync()
    {
        if (Volatile.Read(ref _tableReady))
        {
            return;
        }

        await _ensure.WaitAsync();
        try
        {
            if (!_tableReady)
            {
                await DynamoDbTables.EnsureAsync(dynamo, table, "the stream leases", KeyAttribute, null, createIfMissing: true, time, logger, CancellationToken.None);
                Volatile.Write(ref _tableReady, true);
            }
        }
        finally
        {
            _ensure.Release();
        }
    }

    private Dictionary<string, AttributeValue> Key(string category, string resource) => new()
    {
        [KeyAttribute] = new AttributeValue { S = $"lease/{serviceId}/{category}/{resource}" },
    };

    private static AttributeValue Millis(DateTimeOffset at) => new() { N = at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The lease of {Resource} could not be released; it expires on its own")]
    private static partial void LogReleaseFailed(ILogger logger, string resource, Exception exception);
}
