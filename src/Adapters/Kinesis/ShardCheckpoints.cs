using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Adapters.Aws;
using ChurnActors.Adapters.Storage;
using Microsoft.Extensions.Logging;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>Where a shard's reading stands: the last sequence number whose records were delivered, and whether the shard was read to its end.</summary>
public sealed record ShardCheckpoint(string? SequenceNumber, bool Ended, long Version, string? Owner);

/// <summary>A silo that no longer owns a shard: another one claimed it since.</summary>
public sealed class ShardLostException(string message) : Exception(message);

/// <summary>
/// Shard checkpoints in a DynamoDB table (hash key <c>pk</c> = <c>{service}/{stream}/{shard}</c>). A silo
/// claims a shard before reading it (a conditional write that takes it over); every checkpoint it
/// writes afterwards is conditional on still owning it, so a silo that lost the shard to another in
/// a rebalance learns it at its next checkpoint and stops, and can never move the position back.
/// </summary>
public sealed partial class ShardCheckpoints(IAmazonDynamoDB dynamo, string table, string serviceId, string stream, TimeProvider time, ILogger logger)
{
    private const string KeyAttribute = "pk";
    private const string SequenceAttribute = "seq";
    private const string EndedAttribute = "ended";
    private const string OwnerAttribute = "owner";
    private const string VersionAttribute = "version";
    private const string UpdatedAttribute = "updatedAt";

    public string Table => table;

    /// <summary>Creates the table (on demand, pay per request) unless it is there, and checks its key.</summary>
    public Task EnsureTableAsync(CancellationToken cancellationToken) =>
        DynamoDbTables.EnsureAsync(dynamo, table, $"the checkpoints of stream '{stream}'", KeyAttribute, null, createIfMissing: true, time, logger, cancellationToken);

    public async Task<ShardCheckpoint?> ReadAsync(string shardId, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = table, Key = Key(shardId), ConsistentRead = true },
            cancellationToken);
        AwsUsage.DynamoDbRead(table, "GetItem", ItemBytes(response.Item), consistent: true);
        if (response.Item is not { Count: > 0 } item)
        {
            return null;
        }

        return new ShardCheckpoint(
            item.TryGetValue(SequenceAttribute, out var sequence) ? sequence.S : null,
            item.TryGetValue(EndedAttribute, out var ended) && ended.BOOL == true,
            long.Parse(item[VersionAttribute].N, CultureInfo.InvariantCulture),
            item.TryGetValue(OwnerAttribute, out var owner) ? owner.S : null);
    }

    /// <summary>Takes a shard over for <paramref name="owner"/>, keeping its position; returns that position.</summary>
    public async Task<ShardCheckpoint> ClaimAsync(string shardId, string owner, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var current = await ReadAsync(shardId, cancellationToken);
            var claimed = new ShardCheckpoint(current?.SequenceNumber, current?.Ended ?? false, (current?.Version ?? 0) + 1, owner);
            try
            {
                await WriteAsync(shardId, claimed, current is null ? null : current.Version, ownerMustBe: null, cancellationToken);
                if (current?.Owner is { } previous && previous != owner)
                {
                    LogTakenOver(logger, stream, shardId, previous, owner);
                }

                return claimed;
            }
            catch (ConditionalCheckFailedException) when (attempt < 5)
            {
                // Claimed or advanced by someone else between the read and the write: read again.
            }
        }
    }

    /// <summary>
    /// Moves the shard's position forward (and marks it ended). Throws <see cref="ShardLostException"/>
    /// when the shard was claimed by another owner since <paramref name="held"/> was written.
    /// </summary>
    public async Task<ShardCheckpoint> AdvanceAsync(string shardId, ShardCheckpoint held, string? sequenceNumber, bool ended, CancellationToken cancellationToken)
    {
        var next = held with { SequenceNumber = sequenceNumber ?? held.SequenceNumber, Ended = ended || held.Ended, Version = held.Version + 1 };
        try
        {
            await WriteAsync(shardId, next, held.Version, held.Owner, cancellationToken);
            return next;
        }
        catch (ConditionalCheckFailedException exception)
        {
            throw new ShardLostException($"Shard {shardId} of stream '{stream}' was claimed by another silo; {held.Owner} stops reading it. ({exception.Message})");
        }
    }

    private async Task WriteAsync(string shardId, ShardCheckpoint checkpoint, long? expectedVersion, string? ownerMustBe, CancellationToken cancellationToken)
    {
        var item = Key(shardId);
        item[EndedAttribute] = new AttributeValue { BOOL = checkpoint.Ended };
        item[VersionAttribute] = new AttributeValue { N = checkpoint.Version.ToString(CultureInfo.InvariantCulture) };
        item[OwnerAttribute] = new AttributeValue { S = checkpoint.Owner };
        item[UpdatedAttribute] = new AttributeValue { S = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
        if (checkpoint.SequenceNumber is not null)
        {
            item[SequenceAttribute] = new AttributeValue { S = checkpoint.SequenceNumber };
        }

        var request = new PutItemRequest { TableName = table, Item = item };
        if (expectedVersion is null)
        {
            request.ConditionExpression = $"attribute_not_exists({KeyAttribute})";
        }
        else
        {
            request.ConditionExpression = ownerMustBe is null ? "#v = :v" : "#v = :v AND #o = :o";
            request.ExpressionAttributeNames = new Dictionary<string, string> { ["#v"] = VersionAttribute };
            request.ExpressionAttributeValues = new Dictionary<string, AttributeValue>
            {
                [":v"] = new() { N = expectedVersion.Value.ToString(CultureInfo.InvariantCulture) },
            };
            if (ownerMustBe is not null)
            {
                request.ExpressionAttributeNames["#o"] = OwnerAttribute;
                request.ExpressionAttributeValues[":o"] = new AttributeValue { S = ownerMustBe };
            }
        }

        try
        {
            await dynamo.PutItemAsync(request, cancellationToken);
        }
        finally
        {
            // A refused conditional write costs its unit too.
            AwsUsage.DynamoDbWrite(table, "PutItem", ItemBytes(item));
        }
    }

    private static int ItemBytes(Dictionary<string, AttributeValue>? item) =>
        item?.Sum(a => a.Key.Length + System.Text.Encoding.UTF8.GetByteCount(a.Value.S ?? a.Value.N ?? "") + (a.Value.BOOL is null ? 0 : 1)) ?? 0;

    private Dictionary<string, AttributeValue> Key(string shardId) => new()
    {
        [KeyAttribute] = new AttributeValue { S = $"{serviceId}/{stream}/{shardId}" },
    };


    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} of stream {Stream} taken over from {Previous} by {Owner}")]
    private static partial void LogTakenOver(ILogger logger, string stream, string shard, string previous, string owner);
}
