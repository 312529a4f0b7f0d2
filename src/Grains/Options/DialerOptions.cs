using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;

namespace ChurnActors.Grains.Options;

/// <summary>
/// <c>Churn:Dialer</c>: how often and how long one engagement's call is tried, and the contact
/// centre's quotas every dialer is paced by. Which dialer places the calls, and its own settings,
/// belong to its module (Adapters/Connect, Silo/Simulation).
/// </summary>
public sealed class DialerOptions
{
    public const string Section = "Churn:Dialer";

    /// <summary>
    /// Under <c>Churn:Dialer:Connect</c>, beside the Connect instance they are Connect's quotas for;
    /// they pace the simulated dialer too, so it behaves like Connect.
    /// </summary>
    [ConfigurationKeyName("Connect")]
    public DialQuotas Quotas { get; set; } = new();

    /// <summary>A placed call with no outcome after this long frees its slot and counts as not answered.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts to place one engagement's call before it is marked failed.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 6;

    /// <summary>First retry delay; doubles per attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>How fast, and how many at once, calls may be placed through one contact-centre instance.</summary>
public sealed class DialQuotas
{
    /// <summary>Connect's default StartOutboundVoiceContact rate.</summary>
    [Range(0.01, 1000)]
    public double RequestsPerSecond { get; set; } = 2;

    [Range(1, 10_000)]
    public int Burst { get; set; } = 5;

    /// <summary>Connect's default concurrent calls per instance.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrentCalls { get; set; } = 10;
}
