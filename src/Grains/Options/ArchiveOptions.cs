using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Grains.Options;

public enum ArchiveProvider
{
    LocalDirectory,
    S3,
}

/// <summary><c>Churn:Archive</c>: where the data lake is and how records are buffered into objects.</summary>
public sealed class ArchiveOptions : IValidatableObject
{
    public const string Section = "Churn:Archive";

    public ArchiveProvider Provider { get; set; } = ArchiveProvider.LocalDirectory;

    public LocalDirectoryArchiveOptions LocalDirectory { get; set; } = new();

    public S3ArchiveOptions S3 { get; set; } = new();

    /// <summary>An archiver writes its buffer once it holds this many rows…</summary>
    [Range(1, 1_000_000)]
    public int FlushRows { get; set; } = 50_000;

    /// <summary>…or once its rows take this many bytes (a bound on each object's size, whatever the rows hold)…</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int FlushBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Rows an archiver holds while the lake cannot be written; past it, it stops taking records, so
    /// the record stream holds them (backpressure) instead of anything being dropped.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxBufferedRows { get; set; } = 200_000;

    /// <summary>The same bound in bytes, so an archiver's memory stays bounded however large its rows are.</summary>
    [Range(64 * 1024, int.MaxValue)]
    public int MaxBufferedBytes { get; set; } = 256 * 1024 * 1024;

    /// <summary>
    /// Records a subscriber keeps in its state while the record stream refuses them; past it, it
    /// takes no new change until they are sent (bounded, so the state stays far below an item's limit).
    /// </summary>
    [Range(1, 1_000)]
    public int MaxOwedRecordsPerSubscriber { get; set; } = 200;

    /// <summary>…or once its oldest row is this old.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == ArchiveProvider.LocalDirectory && string.IsNullOrWhiteSpace(LocalDirectory.Path))
        {
            yield return new ValidationResult("is required when Churn:Archive:Provider is LocalDirectory", [$"{Section}:LocalDirectory:Path"]);
        }

        if (Provider == ArchiveProvider.S3 && string.IsNullOrWhiteSpace(S3.Bucket))
        {
            yield return new ValidationResult("is required when Churn:Archive:Provider is S3", [$"{Section}:S3:Bucket"]);
        }

        if (Provider == ArchiveProvider.S3 && S3.ServiceUrl is null && string.IsNullOrWhiteSpace(S3.Region))
        {
            yield return new ValidationResult("is required for S3 on AWS (or set ServiceUrl for a local server)", [$"{Section}:S3:Region"]);
        }

        if (MaxBufferedRows < FlushRows)
        {
            yield return new ValidationResult("must be at least FlushRows", [$"{Section}:MaxBufferedRows"]);
        }

        if (MaxBufferedBytes < FlushBytes)
        {
            yield return new ValidationResult("must be at least FlushBytes", [$"{Section}:MaxBufferedBytes"]);
        }
    }
}

public sealed class LocalDirectoryArchiveOptions
{
    public string Path { get; set; } = "data/lake";
}

public sealed class S3ArchiveOptions
{
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string? Bucket { get; set; }

    /// <summary>KMS key (id or ARN) for SSE-KMS; unset, the bucket's default encryption applies.</summary>
    public string? KmsKeyId { get; set; }
}
