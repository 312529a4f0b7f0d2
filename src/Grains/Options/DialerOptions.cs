using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Grains.Options;

public enum DialerProvider
{
    Simulated,
    Connect,
}

/// <summary><c>Churn:Dialer</c>: how calls are placed and within which quotas.</summary>
public sealed class DialerOptions : IValidatableObject
{
    public const string Section = "Churn:Dialer";

    public DialerProvider Provider { get; set; } = DialerProvider.Simulated;

    /// <summary>Connect instance and quotas. The quotas bind the simulated dialer too, so it behaves like Connect.</summary>
    public ConnectOptions Connect { get; set; } = new();

    /// <summary>A placed call with no outcome after this long frees its slot and counts as not answered.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts to place one engagement's call before it is marked failed.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First retry delay; doubles per attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The dispatcher grain's key: one dispatcher, and one set of quotas, per Connect instance.</summary>
    public string DispatcherKey => Provider == DialerProvider.Connect ? Connect.InstanceId! : "simulated";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == DialerProvider.Connect)
        {
            foreach (var (name, value) in new[]
            {
                (nameof(ConnectOptions.InstanceId), Connect.InstanceId),
                (nameof(ConnectOptions.ContactFlowId), Connect.ContactFlowId),
                (nameof(ConnectOptions.SourcePhoneNumber), Connect.SourcePhoneNumber),
                (nameof(ConnectOptions.Region), Connect.Region),
            })
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    yield return new ValidationResult("is required when Churn:Dialer:Provider is Connect", [$"{Section}:Connect:{name}"]);
                }
            }
        }
    }
}

public sealed class ConnectOptions
{
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string? InstanceId { get; set; }

    public string? ContactFlowId { get; set; }

    public string? SourcePhoneNumber { get; set; }

    /// <summary>Connect's default StartOutboundVoiceContact rate.</summary>
    [Range(0.01, 1000)]
    public double RequestsPerSecond { get; set; } = 2;

    [Range(1, 10_000)]
    public int Burst { get; set; } = 5;

    /// <summary>Connect's default concurrent calls per instance.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentCalls { get; set; } = 10;
}
