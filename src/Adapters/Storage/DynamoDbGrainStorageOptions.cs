using System.ComponentModel.DataAnnotations;
using ChurnActors.Adapters.Aws;
using Microsoft.Extensions.Options;

namespace ChurnActors.Adapters.Storage;

/// <summary>
/// <c>Churn:Storage:DynamoDb</c>: the DynamoDB every grain storage of the silo (and the stream
/// checkpoints) is on, and the table the grain state is kept in.
/// </summary>
public sealed class DynamoDbStorageOptions : AwsEndpointOptions, IValidatableObject
{
    public const string Section = "Churn:Storage:DynamoDb";

    public string TableName { get; set; } = DynamoDbGrainStorageOptions.DefaultTableName;

    /// <summary>Requests in flight per storage (subscribers, cells) and silo; more wait their turn.</summary>
    public int MaxConcurrentRequests { get; set; } = DynamoDbGrainStorageOptions.DefaultMaxConcurrentRequests;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in ValidateEndpoint(Section, "DynamoDb"))
        {
            yield return problem;
        }

        if (!DynamoDbTables.IsTableName(TableName))
        {
            yield return new ValidationResult(DynamoDbTables.TableNameRule, [$"{Section}:TableName"]);
        }

        if (MaxConcurrentRequests is < 1 or > DynamoDbGrainStorageOptions.MostConcurrentRequests)
        {
            yield return new ValidationResult($"must be between 1 and {DynamoDbGrainStorageOptions.MostConcurrentRequests}", [$"{Section}:MaxConcurrentRequests"]);
        }
    }
}

/// <summary>Options of one named DynamoDB grain storage.</summary>
public sealed class DynamoDbGrainStorageOptions
{
    public const string DefaultTableName = "churn-grain-state";
    public const int DefaultMaxConcurrentRequests = 64;
    public const int MostConcurrentRequests = 10_000;

    public string TableName { get; set; } = DefaultTableName;

    /// <summary>Create the table (on-demand billing) when the silo starts and it is missing.</summary>
    public bool CreateTableIfMissing { get; set; } = true;

    /// <summary>Clearing deletes the item; otherwise it keeps an empty item so the ETag sequence goes on.</summary>
    public bool DeleteStateOnClear { get; set; } = true;

    /// <summary>If set, every write stamps <see cref="DynamoDbGrainStorage.ExpiresAtAttribute"/> this far ahead, and table TTL uses it.</summary>
    public TimeSpan? TimeToLive { get; set; }

    /// <summary>
    /// Requests this storage has in flight at most; more wait their turn. A burst of writes (a large
    /// batch, a checkpoint's flush) then queues in the silo instead of timing out in the SDK.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = DefaultMaxConcurrentRequests;
}

public sealed class DynamoDbGrainStorageOptionsValidator(string name) : IValidateOptions<DynamoDbGrainStorageOptions>
{
    public ValidateOptionsResult Validate(string? optionsName, DynamoDbGrainStorageOptions options)
    {
        if (optionsName != name)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (!DynamoDbTables.IsTableName(options.TableName))
        {
            failures.Add($"grain storage '{name}': TableName '{options.TableName}' {DynamoDbTables.TableNameRule}");
        }

        if (options.MaxConcurrentRequests is < 1 or > DynamoDbGrainStorageOptions.MostConcurrentRequests)
        {
            failures.Add($"grain storage '{name}': MaxConcurrentRequests must be between 1 and {DynamoDbGrainStorageOptions.MostConcurrentRequests}");
        }

        if (options.TimeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            failures.Add($"grain storage '{name}': TimeToLive must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
