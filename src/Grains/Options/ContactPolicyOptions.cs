using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Grains.Options;

/// <summary><c>Churn:ContactPolicy</c>: when the operator may call a subscriber.</summary>
public sealed class ContactPolicyOptions : IValidatableObject
{
    public const string Section = "Churn:ContactPolicy";

    /// <summary>No new engagement this long after the last one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromDays(7);

    /// <summary>At most this many engagements in any rolling 30 days.</summary>
    [Range(1, 100)]
    public int MaxPer30Days { get; set; } = 2;

    public CallingHoursOptions CallingHours { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (CallingHours.Start < TimeSpan.Zero || CallingHours.Start >= TimeSpan.FromHours(24))
        {
            yield return new ValidationResult("must be a time of day from 00:00 to 23:59", [$"{Section}:CallingHours:Start"]);
        }

        if (CallingHours.End <= CallingHours.Start || CallingHours.End > TimeSpan.FromHours(24))
        {
            yield return new ValidationResult("must be after CallingHours:Start and no later than 24:00", [$"{Section}:CallingHours:End"]);
        }
    }
}

/// <summary>Local time of day, in the subscriber's zone, during which calls may be placed: [Start, End).</summary>
public sealed class CallingHoursOptions
{
    public TimeSpan Start { get; set; } = TimeSpan.FromHours(9);

    public TimeSpan End { get; set; } = TimeSpan.FromHours(20);
}
