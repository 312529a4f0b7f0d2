using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChurnActors.Adapters.Storage;

/// <summary>Options of one named DynamoDB grain storage.</summary>
public sealed class DynamoDbGrainStorageOptions
{
    public string TableName { get; set; } = "churn-grain-state";

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
    public int MaxConcurrentRequests { get; set; } = 64;
}

public sealed partial class DynamoDbGrainStorageOptionsValidator(string name) : IValidateOptions<DynamoDbGrainStorageOptions>
{
    public ValidateOptionsResult Validate(string? optionsName, DynamoDbGrainStorageOptions options)
    {
        if (optionsName != name)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        if (!TableNamePattern().IsMatch(options.TableName))
        {
            failures.Add($"grain storage '{name}': TableName '{options.TableName}' is not a DynamoDB table name (3–255 of a-z A-Z 0-9 _ - .)");
        }

        if (options.MaxConcurrentRequests is < 1 or > 10_000)
        {
            failures.Add($"grain storage '{name}': MaxConcurrentRequests must be between 1 and 10000");
        }

        if (options.TimeToLive is { } ttl && ttl <= TimeSpan.Zero)
        {
            failures.Add($"grain storage '{name}': TimeToLive must be positive");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]{3,255}$")]
    private static partial Regex TableNamePattern();
}
