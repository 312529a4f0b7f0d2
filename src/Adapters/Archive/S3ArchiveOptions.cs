using System.ComponentModel.DataAnnotations;
using ChurnActors.Adapters.Aws;

namespace ChurnActors.Adapters.Archive;

/// <summary><c>Churn:Archive:S3</c>: the bucket the data lake is written to.</summary>
public sealed class S3ArchiveOptions : AwsEndpointOptions, IValidatableObject
{
    public const string Section = "Churn:Archive:S3";

    public string? Bucket { get; set; }

    /// <summary>KMS key (id or ARN) for SSE-KMS; unset, the bucket's default encryption applies.</summary>
    public string? KmsKeyId { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            yield return new ValidationResult("is required when Churn:Archive:Provider is S3", [$"{Section}:Bucket"]);
        }

        foreach (var problem in ValidateEndpoint(Section, "S3"))
        {
            yield return problem;
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
