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

        if (DynamoDb.MaxConcurrentRequests is < 1 or > 10_000)
        {
            yield return new ValidationResult("must be between 1 and 10000", [$"{Section}:DynamoDb:MaxConcurrentRequests"]);
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

    /// <summary>Requests in flight per storage (subscribers, cells) and silo; more wait their turn.</summary>
    public int MaxConcurrentRequests { get; set; } = 64;
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
        if (Provider != StreamsProvider.Kinesis)
        {
            yield break;
        }

        if (Kinesis.ServiceUrl is null && string.IsNullOrWhiteSpace(Kinesis.Region))
        {
            yield return new ValidationResult("is required for Kinesis on AWS (or set ServiceUrl for a local server)", [$"{Section}:Kinesis:Region"]);
        }

        foreach (var (key, stream) in new[] { ("ProbeStream", Kinesis.ProbeStream), ("RecordStream", Kinesis.RecordStream) })
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(stream, "^[a-zA-Z0-9_.-]{1,128}$"))
            {
                yield return new ValidationResult("must be a Kinesis stream name: 1 to 128 of a-z A-Z 0-9 _ - .", [$"{Section}:Kinesis:{key}"]);
            }
        }

        if (Kinesis.ProbeStream == Kinesis.RecordStream)
        {
            yield return new ValidationResult("must differ from ProbeStream: probe events and records are different streams", [$"{Section}:Kinesis:RecordStream"]);
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(Kinesis.CheckpointTable, "^[a-zA-Z0-9_.-]{3,255}$"))
        {
            yield return new ValidationResult("must be a DynamoDB table name: 3 to 255 of a-z A-Z 0-9 _ - .", [$"{Section}:Kinesis:CheckpointTable"]);
        }

        if (Kinesis.CheckpointInterval < TimeSpan.FromMilliseconds(100) || Kinesis.CheckpointInterval > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("must be between 00:00:00.1 and 00:10:00", [$"{Section}:Kinesis:CheckpointInterval"]);
        }

        if (Kinesis.StallAfter < TimeSpan.FromSeconds(1) || Kinesis.StallAfter > TimeSpan.FromHours(1))
        {
            yield return new ValidationResult("must be between 00:00:01 and 01:00:00", [$"{Section}:Kinesis:StallAfter"]);
        }

        if (Kinesis.Shards is < 1 or > 500)
        {
            yield return new ValidationResult("must be 1 to 500 (shards of a stream created on a local server)", [$"{Section}:Kinesis:Shards"]);
        }
    }
}

public sealed class KinesisStreamsOptions
{
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string ProbeStream { get; set; } = "churn-probe-events";

    public string RecordStream { get; set; } = "churn-records";

    /// <summary>The DynamoDB table of shard checkpoints, on the DynamoDB of <c>Churn:Storage:DynamoDb</c>.</summary>
    public string CheckpointTable { get; set; } = "churn-stream-checkpoints";

    /// <summary>Shards of each stream when the silo creates it on a local server (ServiceUrl set); on AWS the stack creates the streams.</summary>
    public int Shards { get; set; } = 4;

    /// <summary>
    /// How often the probe stream's delivered positions are checkpointed (a replay after a crash starts
    /// there). Subscribers write what they counted from the stream before each checkpoint, so this is
    /// also how often an active subscriber's state is written at most: longer costs fewer writes and a
    /// longer replay after a crash.
    /// </summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A shard whose delivered position stands still this long while records wait makes the silo not ready.</summary>
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(60);
}
