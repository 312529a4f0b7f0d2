using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Adapters.Aws;

/// <summary>
/// Where an AWS service is: with <see cref="ServiceUrl"/>, a local wire-compatible server (tests, the
/// local cluster; any credentials do); without, the real endpoint of <see cref="Region"/>, signed
/// with the default credential chain (the ECS task role).
/// </summary>
public abstract class AwsEndpointOptions
{
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    /// <summary>A region is needed unless a local server is named.</summary>
    protected IEnumerable<ValidationResult> ValidateEndpoint(string section, string service)
    {
        if (ServiceUrl is null && string.IsNullOrWhiteSpace(Region))
        {
            yield return new ValidationResult($"is required for {service} on AWS (or set ServiceUrl for a local server)", [$"{section}:{nameof(Region)}"]);
        }
    }
}
