using System.ComponentModel.DataAnnotations;
using ChurnActors.Adapters.Aws;

namespace ChurnActors.Adapters.Connect;

/// <summary>
/// <c>Churn:Dialer:Connect</c>: the Amazon Connect instance calls are placed through. Its quotas,
/// in the same section, are the dispatcher's (<see cref="Grains.Options.DialQuotas"/>).
/// </summary>
public sealed class ConnectDialerOptions : AwsEndpointOptions, IValidatableObject
{
    public const string Section = "Churn:Dialer:Connect";

    public string? InstanceId { get; set; }

    public string? ContactFlowId { get; set; }

    /// <summary>The instance's claimed number the subscriber sees calling. A phone number: never logged whole.</summary>
    [Redact]
    public string? SourcePhoneNumber { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[]
        {
            (nameof(InstanceId), InstanceId),
            (nameof(ContactFlowId), ContactFlowId),
            (nameof(SourcePhoneNumber), SourcePhoneNumber),
            (nameof(Region), Region),
        })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return new ValidationResult("is required when Churn:Dialer:Provider is Connect", [$"{Section}:{name}"]);
            }
        }
    }
}
