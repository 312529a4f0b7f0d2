using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Silo.Configuration;

/// <summary><c>Churn:Simulator</c>: simulated probe traffic and simulated subscribers who answer calls.</summary>
public sealed class SimulatorOptions : IValidatableObject
{
    public const string Section = "Churn:Simulator";

    public bool Enabled { get; set; }

    [Range(1, 10_000_000)]
    public int Subscribers { get; set; } = 2_000;

    [Range(1, 1_000_000)]
    public int Cells { get; set; } = 40;

    [Range(1, 2_000_000)]
    public int EventsPerSecond { get; set; } = 2_000;

    /// <summary>Cells whose sessions fail far more often than the baseline.</summary>
    [Range(0, 1_000_000)]
    public int DegradedCells { get; set; } = 3;

    /// <summary>Share of sessions that fail in a healthy cell (the seed's generator: about 1 in 27).</summary>
    [Range(0.0, 1.0)]
    public double BaselineFailRate { get; set; } = 1.0 / 27;

    [Range(0.0, 1.0)]
    public double DegradedFailRate { get; set; } = 0.35;

    /// <summary>Share of simulated subscribers who never answer the call.</summary>
    [Range(0.0, 1.0)]
    public double NoAnswerRate { get; set; } = 0.15;

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan AnswerDelayMin { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan AnswerDelayMax { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>Where simulated subscribers post their answers; default: this process's own gateway.</summary>
    public Uri? FeedbackUrl { get; set; }

    /// <summary>Fixes the random population and traffic, for reproducible runs.</summary>
    public int? Seed { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DegradedCells > Cells)
        {
            yield return new ValidationResult("must not exceed Cells", [$"{Section}:DegradedCells"]);
        }

        if (AnswerDelayMax < AnswerDelayMin)
        {
            yield return new ValidationResult("must not be less than AnswerDelayMin", [$"{Section}:AnswerDelayMax"]);
        }
    }
}
