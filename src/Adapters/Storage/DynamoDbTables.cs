using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Adapters.Aws;
using Microsoft.Extensions.Logging;

namespace ChurnActors.Adapters.Storage;

/// <summary>The tables this project keeps in DynamoDB (grain state, stream checkpoints): made ready at start.</summary>
public static partial class DynamoDbTables
{
    /// <summary>What <see cref="IsTableName"/> allows, as an error message says it.</summary>
    public const string TableNameRule = "must be a DynamoDB table name: 3 to 255 of a-z A-Z 0-9 _ - .";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    public static bool IsTableName(string? name) => name is not null && TableNamePattern().IsMatch(name);

    /// <summary>Ready while <paramref name="table"/> answers and is active: no grain can activate without it.</summary>
    public static DependencyHealthCheck ReadinessCheck(IAmazonDynamoDB dynamo, string table) => new($"table {table}", async token =>
    {
        AwsUsage.Request("dynamodb", "DescribeTable");
        var status = (await dynamo.DescribeTableAsync(table, token)).Table.TableStatus;
        return status == TableStatus.ACTIVE ? null : $"is {status}";
    });

    /// <summary>
    /// Checks that <paramref name="table"/> exists with the string key schema given (hash key, and range
    /// key when not null), creating it on demand (pay per request) when it is missing and that is
    /// allowed, and waiting until it is active. A silo creating it at the same moment is waited for.
    /// </summary>
    /// <param name="purpose">What the table is for, as the errors and logs name it ("grain storage 'subscribers'").</param>
    public static async Task EnsureAsync(
        IAmazonDynamoDB dynamo,
        string table,
        string purpose,
        string hashKey,
        string? rangeKey,
        bool createIfMissing,
        TimeProvider time,
        ILogger logger,
        CancellationToken cancellationToken)
    {
        TableDescription description;
        try
        {
            AwsUsage.Request("dynamodb", "DescribeTable");
            description = (await dynamo.DescribeTableAsync(table, cancellationToken)).Table;
        }
        catch (ResourceNotFoundException exception)
        {
            if (!createIfMissing)
            {
                throw new DynamoDbStorageException($"DynamoDB table '{table}' of {purpose} does not exist and creating it is turned off.", exception);
            }

            LogCreatingTable(logger, table, purpose);
            description = await CreateAsync(dynamo, table, hashKey, rangeKey, time, cancellationToken);
        }

        var keys = description.KeySchema.ToDictionary(k => k.AttributeName, k => k.KeyType.Value);
        var expected = rangeKey is null ? 1 : 2;
        if (keys.Count != expected || keys.GetValueOrDefault(hashKey) != KeyType.HASH || (rangeKey is not null && keys.GetValueOrDefault(rangeKey) != KeyType.RANGE))
        {
            throw new DynamoDbStorageException(
                $"DynamoDB table '{table}' has key schema [{string.Join(", ", keys.Select(k => $"{k.Key} {k.Value}"))}]; {purpose} needs '{hashKey}' HASH{(rangeKey is null ? " only" : $" and '{rangeKey}' RANGE")}.");
        }
    }

    private static async Task<TableDescription> CreateAsync(IAmazonDynamoDB dynamo, string table, string hashKey, string? rangeKey, TimeProvider time, CancellationToken cancellationToken)
    {
        var request = new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            KeySchema = [new KeySchemaElement(hashKey, KeyType.HASH)],
            AttributeDefinitions = [new AttributeDefinition(hashKey, ScalarAttributeType.S)],
        };
        if (rangeKey is not null)
        {
            request.KeySchema.Add(new KeySchemaElement(rangeKey, KeyType.RANGE));
            request.AttributeDefinitions.Add(new AttributeDefinition(rangeKey, ScalarAttributeType.S));
        }

        try
        {
            AwsUsage.Request("dynamodb", "CreateTable");
            await dynamo.CreateTableAsync(request, cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // Another silo is creating it at the same moment: wait for it like for our own.
        }

        var deadline = time.GetUtcNow() + ReadyTimeout;
        while (true)
        {
            AwsUsage.Request("dynamodb", "DescribeTable");
            var description = (await dynamo.DescribeTableAsync(table, cancellationToken)).Table;
            if (description.TableStatus == TableStatus.ACTIVE)
            {
                return description;
            }

            if (time.GetUtcNow() > deadline)
            {
                throw new DynamoDbStorageException($"DynamoDB table '{table}' did not become active within {ReadyTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Creating DynamoDB table {Table} for {Purpose}")]
    private static partial void LogCreatingTable(ILogger logger, string table, string purpose);

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9_.-]{3,255}$")]
    private static partial System.Text.RegularExpressions.Regex TableNamePattern();
}
