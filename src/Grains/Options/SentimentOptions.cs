using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Grains.Options;

/// <summary><c>Churn:Sentiment</c>: how answers move a subscriber's sentiment (seed-compatible by default).</summary>
public sealed class SentimentOptions : IValidatableObject
{
    public const string Section = "Churn:Sentiment";

    public int Start { get; set; } = 10;

    public int Min { get; set; } = 0;

    public int Max { get; set; } = 10;

    /// <summary>Change for scores 1, 2, 3, 4, 5 (seed: 0, −1, −1, −2, −2).</summary>
    public int[] ScoreChanges { get; set; } = [0, -1, -1, -2, -2];

    /// <summary>After this long without a new answer, sentiment moves one step back toward <see cref="Start"/>, and again every period after.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan RecoveryAfter { get; set; } = TimeSpan.FromDays(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Min > Max)
        {
            yield return new ValidationResult("must not be greater than Max", [$"{Section}:Min"]);
        }

        if (Start < Min || Start > Max)
        {
            yield return new ValidationResult("must lie between Min and Max", [$"{Section}:Start"]);
        }

        if (ScoreChanges is not { Length: 5 })
        {
            yield return new ValidationResult("needs exactly five values, the change for scores 1 to 5", [$"{Section}:ScoreChanges"]);
        }
    }
}
