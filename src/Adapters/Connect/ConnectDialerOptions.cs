using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Adapters.Connect;

/// <summary>
/// <c>Churn:Dialer:Connect</c>: the Amazon Connect instance calls are placed through. Its quotas,
/// in the same section, are the dispatcher's (<see cref="Grains.Options.DialQuotas"/>).
/// </summary>
public sealed class ConnectDialerOptions : IValidatableObject
{
    public const string Section = "Churn:Dialer:Connect";

    /// <summary>A local stand-in; unset on AWS, where <see cref="Region"/> picks the endpoint.</summary>
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string? InstanceId { get; set; }

    public string? ContactFlowId { get; set; }

    /// <summary>The instance's claimed number the subscriber sees calling.</summary>
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
