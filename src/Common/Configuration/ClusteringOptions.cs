using System.ComponentModel.DataAnnotations;
using Orleans;

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

    /// <summary>The address other silos reach this one at. Default: the task's own address on ECS, loopback elsewhere.</summary>
    public string? AdvertisedAddress { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == ClusteringProvider.Redis && string.IsNullOrWhiteSpace(Redis.ConnectionString))
        {
            yield return new ValidationResult("is required when Churn:Clustering:Provider is Redis (e.g. localhost:6379)", [$"{Section}:Redis:ConnectionString"]);
        }

        if (AdvertisedAddress is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
        {
            yield return new ValidationResult("must be an IP address", [$"{Section}:AdvertisedAddress"]);
        }
    }
}

public sealed class RedisClusteringOptions
{
    /// <summary>May hold the server's password: logged without it.</summary>
    [RedactConnectionString]
    public string? ConnectionString { get; set; }
}
