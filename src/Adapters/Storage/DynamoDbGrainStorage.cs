using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Adapters.Aws;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace ChurnActors.Adapters.Storage;

/// <summary>
/// Orleans grain storage in one DynamoDB table. An item per grain state: partition key
/// <c>{serviceId}/{grainType}/{grainKey}</c>, sort key the state name, the state in Orleans'
/// binary format, and a version number as ETag that every write and clear is conditional on.
/// </summary>
public sealed partial class DynamoDbGrainStorage(
    string name,
    DynamoDbGrainStorageOptions options,
    IAmazonDynamoDB dynamo,
    Serializer serializer,
    IActivatorProvider activators,
    IOptions<ClusterOptions> cluster,
    TimeProvider time,
    ILogger<DynamoDbGrainStorage> logger) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public const string PartitionKeyAttribute = "pk";
    public const string SortKeyAttribute = "sk";
    public const string ETagAttribute = "etag";
    public const string DataAttribute = "data";
    public const string ExpiresAtAttribute = "expires_at";

    /// <summary>DynamoDB's item size limit, attribute names and values together.</summary>
    public const int MaxItemBytes = 400 * 1024;

    private readonly SemaphoreSlim _slots = new(options.MaxConcurrentRequests, options.MaxConcurrentRequests);
    private long _writes;

    /// <summary>Writes (puts and clears) this storage made since the silo started; what they cost goes to <see cref="AwsUsage"/>.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    public string TableName => options.TableName;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe($"{nameof(DynamoDbGrainStorage)}-{name}", ServiceLifecycleStage.ApplicationServices, EnsureTableAsync);

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var response = await CallAsync("read", grainId, stateName, () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = options.TableName,
            Key = Key(grainId, stateName),
            ConsistentRead = true,
        }));

        if (response.Item is not { Count: > 0 } item)
        {
            AwsUsage.DynamoDbRead(options.TableName, "GetItem", 0, consistent: true);
            Reset(grainState);
            return;
        }

        var data = item.TryGetValue(DataAttribute, out var stored) ? stored.B : null;
        AwsUsage.DynamoDbRead(options.TableName, "GetItem", ItemSize(item, (int)(data?.Length ?? 0)), consistent: true);

        grainState.ETag = item[ETagAttribute].N;
        if (data is not null)
        {
            grainState.State = serializer.Deserialize<T>(data.ToArray());
            grainState.RecordExists = true;
        }
        else
        {
            // An item kept by a clear: the version goes on, the state is gone.
            grainState.State = activators.GetActivator<T>().Create();
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.SerializeToArray(grainState.State);
        var item = Key(grainId, stateName);
        var etag = NextETag(grainState.ETag);
        item[ETagAttribute] = new AttributeValue { N = etag };
        item[DataAttribute] = new AttributeValue { B = new MemoryStream(data, writable: false) };
        if (options.TimeToLive is { } ttl)
        {
            item[ExpiresAtAttribute] = new AttributeValue { N = (time.GetUtcNow() + ttl).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) };
        }

        var size = ItemSize(item, data.Length);
        if (size > MaxItemBytes)
        {
            throw new DynamoDbStorageException(
                $"The state '{stateName}' of grain {Describe(grainId)} is {size} bytes; a DynamoDB item holds at most 400 KB ({MaxItemBytes} bytes) (table '{options.TableName}'). Nothing was written.");
        }

        await ConditionalAsync(
            "write",
            grainId,
            stateName,
            grainState.ETag,
            () => dynamo.PutItemAsync(Conditional(new PutItemRequest
            {
                TableName = options.TableName,
                Item = item,
            }, grainState.ETag)),
            alreadyDone: () => HoldsAsync(grainId, stateName, etag, data));
        AwsUsage.DynamoDbWrite(options.TableName, "PutItem", size);
        grainState.ETag = etag;
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (options.DeleteStateOnClear)
        {
            await ConditionalAsync("clear", grainId, stateName, grainState.ETag, () => dynamo.DeleteItemAsync(Conditional(new DeleteItemRequest
            {
                TableName = options.TableName,
                Key = Key(grainId, stateName),
            }, grainState.ETag)));
            AwsUsage.DynamoDbWrite(options.TableName, "DeleteItem", 0);
            Reset(grainState);
            return;
        }

        var item = Key(grainId, stateName);
        var etag = NextETag(grainState.ETag);
        item[ETagAttribute] = new AttributeValue { N = etag };
        await ConditionalAsync("clear", grainId, stateName, grainState.ETag, () => dynamo.PutItemAsync(Conditional(new PutItemRequest
        {
            TableName = options.TableName,
            Item = item,
        }, grainState.ETag)));
        AwsUsage.DynamoDbWrite(options.TableName, "PutItem", ItemSize(item, 0));
        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = etag;
        grainState.RecordExists = false;
    }

    /// <summary>Checks the table, creating it if missing and allowed; run by the silo lifecycle before grains start.</summary>
    internal async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        await DynamoDbTables.EnsureAsync(
            dynamo, options.TableName, $"grain storage '{name}'", PartitionKeyAttribute, SortKeyAttribute, options.CreateTableIfMissing, time, logger, cancellationToken);
        if (options.TimeToLive is not null)
        {
            await EnableTimeToLiveAsync(cancellationToken);
        }
    }

    private async Task EnableTimeToLiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            var current = await dynamo.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = options.TableName }, cancellationToken);
            if (current.TimeToLiveDescription?.AttributeName == ExpiresAtAttribute
                && current.TimeToLiveDescription.TimeToLiveStatus == TimeToLiveStatus.ENABLED)
            {
                return;
            }

            await dynamo.UpdateTimeToLiveAsync(new UpdateTimeToLiveRequest
            {
                TableName = options.TableName,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = ExpiresAtAttribute, Enabled = true },
            }, cancellationToken);
        }
        catch (AmazonDynamoDBException exception) when (exception.ErrorCode is "UnknownOperationException")
        {
            // Local DynamoDB stand-ins without TTL: items still carry the attribute, nothing expires them.
            LogTimeToLiveUnsupported(logger, options.TableName);
        }
    }

    /// <param name="alreadyDone">
    /// Asked when the condition fails: whether the item already holds exactly this write. The SDK
    /// retries a put whose answer it did not get (a timeout, a dropped connection); if the first one
    /// was applied, the retry finds its own version and is refused — that is success, not a conflict.
    /// </param>
    private async Task ConditionalAsync(string operation, GrainId grainId, string stateName, string? expectedETag, Func<Task> call, Func<Task<bool>>? alreadyDone = null)
    {
        try
        {
            await CallAsync(operation, grainId, stateName, async () =>
            {
                await call();
                return true;
            });
            Interlocked.Increment(ref _writes);
        }
        catch (ConditionalCheckFailedException exception)
        {
            if (alreadyDone is not null && await alreadyDone())
            {
                Interlocked.Increment(ref _writes);
                LogRetryFoundWritten(logger, operation, Describe(grainId), stateName, options.TableName);
                return;
            }

            throw new InconsistentStateException(
                $"The state '{stateName}' of grain {Describe(grainId)} in table '{options.TableName}' changed since it was read (expected ETag {expectedETag ?? "none: a new item"}); {operation} refused.",
                storedEtag: "unknown",
                currentEtag: expectedETag,
                exception);
        }
    }

    /// <summary>
    /// Makes the call; the SDK retries throttling, 5xx and network faults with backoff (see
    /// <see cref="AwsClients"/>). What still fails is reported with the table and the (masked) grain.
    /// </summary>
    private async Task<TResult> CallAsync<TResult>(string operation, GrainId grainId, string stateName, Func<Task<TResult>> call)
    {
        await _slots.WaitAsync();
        try
        {
            return await call();
        }
        catch (AmazonDynamoDBException exception) when (exception is not ConditionalCheckFailedException)
        {
            LogFailed(logger, exception, operation, Describe(grainId), stateName, options.TableName);
            throw new DynamoDbStorageException(
                $"DynamoDB {operation} of the state '{stateName}' of grain {Describe(grainId)} in table '{options.TableName}' failed: {exception.ErrorCode}: {exception.Message}",
                exception);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Whether the item holds version <paramref name="etag"/> with exactly <paramref name="data"/>.</summary>
    private async Task<bool> HoldsAsync(GrainId grainId, string stateName, string etag, byte[] data)
    {
        var response = await CallAsync("read", grainId, stateName, () => dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = options.TableName,
            Key = Key(grainId, stateName),
            ConsistentRead = true,
        }));
        var item = response.Item;
        var stored = item is { Count: > 0 } && item.TryGetValue(DataAttribute, out var value) ? value.B?.ToArray() : null;
        AwsUsage.DynamoDbRead(options.TableName, "GetItem", item is { Count: > 0 } ? ItemSize(item, stored?.Length ?? 0) : 0, consistent: true);
        return stored is not null && item![ETagAttribute].N == etag && stored.AsSpan().SequenceEqual(data);
    }

    private Dictionary<string, AttributeValue> Key(GrainId grainId, string stateName) => new()
    {
        [PartitionKeyAttribute] = new AttributeValue { S = $"{cluster.Value.ServiceId}/{grainId}" },
        [SortKeyAttribute] = new AttributeValue { S = stateName },
    };

    private static TRequest Conditional<TRequest>(TRequest request, string? expectedETag)
        where TRequest : AmazonDynamoDBRequest
    {
        // First write only if absent; every later one only if nobody else wrote in between.
        var (condition, values) = expectedETag is null
            ? ($"attribute_not_exists({PartitionKeyAttribute})", (Dictionary<string, AttributeValue>?)null)
            : ($"{ETagAttribute} = :etag", new Dictionary<string, AttributeValue> { [":etag"] = new() { N = expectedETag } });
        switch (request)
        {
            case PutItemRequest put:
                put.ConditionExpression = condition;
                put.ExpressionAttributeValues = values;
                break;
            case DeleteItemRequest delete:
                delete.ConditionExpression = condition;
                delete.ExpressionAttributeValues = values;
                break;
        }

        return request;
    }

    private static string NextETag(string? current) =>
        ((current is null ? 0 : long.Parse(current, CultureInfo.InvariantCulture)) + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>DynamoDB's item size: attribute names plus values (binary at its length, numbers and strings as text).</summary>
    private static int ItemSize(Dictionary<string, AttributeValue> item, int dataLength) =>
        item.Sum(a => a.Key.Length + (a.Key == DataAttribute ? dataLength : System.Text.Encoding.UTF8.GetByteCount(a.Value.S ?? a.Value.N ?? "")));

    private void Reset<T>(IGrainState<T> grainState)
    {
        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>The grain for messages and logs, its phone-number key masked.</summary>
    private static string Describe(GrainId grainId)
    {
        var key = grainId.Key.ToString();
        return $"{grainId.Type}/{(key.StartsWith('+') ? Msisdns.Mask(key) : key)}";
    }


    [LoggerMessage(Level = LogLevel.Warning, Message = "DynamoDB endpoint does not support TTL; items in {Table} carry expires_at but nothing expires them")]
    private static partial void LogTimeToLiveUnsupported(ILogger logger, string table);

    [LoggerMessage(Level = LogLevel.Information, Message = "DynamoDB {Operation} of grain {Grain} state {State} in table {Table}: a retry found the first attempt applied")]
    private static partial void LogRetryFoundWritten(ILogger logger, string operation, string grain, string state, string table);

    [LoggerMessage(Level = LogLevel.Error, Message = "DynamoDB {Operation} of grain {Grain} state {State} in table {Table} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string operation, string grain, string state, string table);
}

/// <summary>A grain storage failure that retrying the same call will not mend; the message names table and grain.</summary>
public sealed class DynamoDbStorageException : Exception
{
    public DynamoDbStorageException(string message)
        : base(message)
    {
    }

    public DynamoDbStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
