using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Silo.Configuration;

public enum StorageProvider
{
    Memory,
    DynamoDb,
}

/// <summary><c>Churn:Storage</c>: where grain state lives.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string Section = "Churn:Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Memory;

    public DynamoDbStorageOptions DynamoDb { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider != StorageProvider.DynamoDb)
        {
            yield break;
        }

        if (DynamoDb.ServiceUrl is null && string.IsNullOrWhiteSpace(DynamoDb.Region))
        {
            yield return new ValidationResult("is required for DynamoDb on AWS (or set ServiceUrl for a local server)", [$"{Section}:DynamoDb:Region"]);
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(DynamoDb.TableName, "^[a-zA-Z0-9_.-]{3,255}$"))
        {
            yield return new ValidationResult("must be a DynamoDB table name: 3 to 255 of a-z A-Z 0-9 _ - .", [$"{Section}:DynamoDb:TableName"]);
        }
    }
}

public sealed class DynamoDbStorageOptions
{
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string TableName { get; set; } = "churn-grain-state";
}

public enum StreamsProvider
{
    Memory,
    Kinesis,
}

/// <summary><c>Churn:Streams</c>: how probe events and records travel.</summary>
public sealed class StreamsOptions : IValidatableObject
{
    public const string Section = "Churn:Streams";

    public StreamsProvider Provider { get; set; } = StreamsProvider.Memory;

    public KinesisStreamsOptions Kinesis { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == StreamsProvider.Kinesis)
        {
            yield return new ValidationResult("Kinesis is not available in this build yet; use Memory.", [$"{Section}:Provider"]);
        }
    }
}

public sealed class KinesisStreamsOptions
{
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string ProbeStream { get; set; } = "churn-probe-events";

    public string RecordStream { get; set; } = "churn-records";

    public string CheckpointTable { get; set; } = "churn-stream-checkpoints";
}
