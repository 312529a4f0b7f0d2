using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Configuration;

public enum ClusteringProvider
{
    Localhost,
    Redis,
}

/// <summary><c>Churn:Clustering</c>: how silos find each other and how the gateway finds them.</summary>
public sealed class ClusteringOptions : IValidatableObject
{
    public const string Section = "Churn:Clustering";

    public ClusteringProvider Provider { get; set; } = ClusteringProvider.Localhost;

    public RedisClusteringOptions Redis { get; set; } = new();

    [Required(AllowEmptyStrings = false)]
    public string ClusterId { get; set; } = "churn";

    [Required(AllowEmptyStrings = false)]
    public string ServiceId { get; set; } = "churn-actors";

    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at. Default: loopback (the task's own address on ECS, issue 8).</summary>
    public string? AdvertisedAddress { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == ClusteringProvider.Redis)
        {
            yield return new ValidationResult(
                "Redis is not available in this build yet; use Localhost (one silo). Redis membership comes with the ECS cluster work.",
                [$"{Section}:Provider"]);
        }

        if (AdvertisedAddress is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
        {
            yield return new ValidationResult("must be an IP address", [$"{Section}:AdvertisedAddress"]);
        }
    }
}

public sealed class RedisClusteringOptions
{
    public string? ConnectionString { get; set; }
}
