using System.ComponentModel.DataAnnotations;
using ChurnActors.Adapters.Aws;
using Microsoft.Extensions.Options;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// <c>Churn:Streams:Kinesis</c>: the two streams of the cluster — probe events, written by the probe
/// system, and records, written and read by the silos — and their checkpoints.
/// </summary>
public sealed class KinesisStreamsOptions : AwsEndpointOptions, IValidatableObject
{
    public const string Section = "Churn:Streams:Kinesis";

    public string ProbeStream { get; set; } = "churn-probe-events";

    public string RecordStream { get; set; } = "churn-records";

    /// <summary>The DynamoDB table of shard checkpoints, on the DynamoDB of <c>Churn:Storage:DynamoDb</c>.</summary>
    public string CheckpointTable { get; set; } = KinesisStreamOptions.DefaultCheckpointTable;

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
    public TimeSpan StallAfter { get; set; } = KinesisStreamOptions.DefaultStallAfter;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var problem in ValidateEndpoint(Section, "Kinesis"))
        {
            yield return problem;
        }

        foreach (var (key, stream) in new[] { (nameof(ProbeStream), ProbeStream), (nameof(RecordStream), RecordStream) })
        {
            if (!KinesisStreamOptions.IsStreamName(stream))
            {
                yield return new ValidationResult(KinesisStreamOptions.StreamNameRule, [$"{Section}:{key}"]);
            }
        }

        if (ProbeStream == RecordStream)
        {
            yield return new ValidationResult("must differ from ProbeStream: probe events and records are different streams", [$"{Section}:{nameof(RecordStream)}"]);
        }

        foreach (var problem in KinesisStreamOptions.Problems(CheckpointTable, StallAfter))
        {
            yield return new ValidationResult(problem.Message, [$"{Section}:{problem.Member}"]);
        }

        if (CheckpointInterval < TimeSpan.FromMilliseconds(100) || CheckpointInterval > TimeSpan.FromMinutes(10))
        {
            yield return new ValidationResult("must be between 00:00:00.1 and 00:10:00", [$"{Section}:{nameof(CheckpointInterval)}"]);
        }

        if (Shards is < 1 or > 500)
        {
            yield return new ValidationResult("must be 1 to 500 (shards of a stream created on a local server)", [$"{Section}:{nameof(Shards)}"]);
        }
    }
}

/// <summary>Checks each named Kinesis stream provider's options when the silo starts, by the rules of <see cref="KinesisStreamOptions"/>.</summary>
public sealed class KinesisStreamOptionsValidator(string name) : IValidateOptions<KinesisStreamOptions>
{
    public ValidateOptionsResult Validate(string? optionsName, KinesisStreamOptions options)
    {
        if (optionsName != name)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = KinesisStreamOptions.Problems(options.CheckpointTable, options.StallAfter)
            .Select(p => $"Kinesis stream provider '{name}': {p.Member} {p.Message}")
            .ToList();
        if (!KinesisStreamOptions.IsStreamName(options.StreamName))
        {
            failures.Add($"Kinesis stream provider '{name}': StreamName '{options.StreamName}' {KinesisStreamOptions.StreamNameRule}");
        }

        if (options.CheckpointInterval <= TimeSpan.Zero)
        {
            failures.Add($"Kinesis stream provider '{name}': CheckpointInterval must be positive");
        }

        if (options.CheckpointStore is null)
        {
            failures.Add($"Kinesis stream provider '{name}': CheckpointStore must say which DynamoDB client keeps the checkpoints");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
