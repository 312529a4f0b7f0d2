using System.ComponentModel.DataAnnotations;
using ChurnActors.Configuration;
using ChurnActors.Gateway.Access;

namespace ChurnActors.Gateway;

/// <summary><c>Churn:Gateway</c>.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Churn:Gateway";

    /// <summary>Shared with the Connect hook; signs every feedback request. Never logged.</summary>
    [Redact]
    [Required(AllowEmptyStrings = false, ErrorMessage = "is required: the secret the Connect hook signs feedback with")]
    [MinLength(16, ErrorMessage = "must be at least 16 characters")]
    public string FeedbackSecret { get; set; } = "";

    /// <summary>Most probe events one request may carry.</summary>
    [Range(1, 100_000)]
    public int MaxProbeBatch { get; set; } = 10_000;

    /// <summary>Largest probe-event body one request may carry (16 MiB: ten thousand events of the contract's longest fields fit).</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxProbeBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Who may use the ops page, the dashboard and the API.</summary>
    public AccessOptions Access { get; set; } = new();

    public override string ToString() => OptionsText.Describe(this);
}
