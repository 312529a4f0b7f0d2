using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Adapters.Archive;

/// <summary><c>Churn:Archive:S3</c>: the bucket the data lake is written to.</summary>
public sealed class S3ArchiveOptions : IValidatableObject
{
    public const string Section = "Churn:Archive:S3";

    /// <summary>A local S3-compatible server; unset on AWS, where <see cref="Region"/> picks the endpoint.</summary>
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string? Bucket { get; set; }

    /// <summary>KMS key (id or ARN) for SSE-KMS; unset, the bucket's default encryption applies.</summary>
    public string? KmsKeyId { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return new ValidationResult("is required when Churn:Archive:Provider is S3", [$"{Section}:Bucket"]);
        }

        if (ServiceUrl is null && string.IsNullOrWhiteSpace(Region))
        {
            yield return new ValidationResult("is required for S3 on AWS (or set ServiceUrl for a local server)", [$"{Section}:Region"]);
        }
    }
}

/// <summary><c>Churn:Archive:LocalDirectory</c>: the directory the data lake is written to.</summary>
public sealed class LocalDirectoryArchiveOptions
{
    public const string Section = "Churn:Archive:LocalDirectory";

    [Required(AllowEmptyStrings = false, ErrorMessage = "is required when Churn:Archive:Provider is LocalDirectory")]
    public string Path { get; set; } = "data/lake";
}
