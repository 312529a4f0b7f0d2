using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Grains.Options;

/// <summary>
/// <c>Churn:Archive</c>: how records are buffered into the lake's objects and how many a subscriber
/// may owe. Where the lake is (a local directory, S3) belongs to its module (Adapters/Archive).
/// </summary>
public sealed class ArchiveOptions : IValidatableObject
{
    public const string Section = "Churn:Archive";

    /// <summary>An archiver writes its buffer once it holds this many rows…</summary>
    [Range(1, 1_000_000)]
    public int FlushRows { get; set; } = 50_000;

    /// <summary>…or once its rows take this many bytes (a bound on each object's size, whatever the rows hold)…</summary>
    [Range(64 * 1024, 1024 * 1024 * 1024)]
    public int FlushBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Rows an archiver holds while the lake cannot be written; past it, it stops taking records, so
    /// the record stream holds them (backpressure) instead of anything being dropped.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxBufferedRows { get; set; } = 200_000;

    /// <summary>The same bound in bytes, so an archiver's memory stays bounded however large its rows are.</summary>
    [Range(64 * 1024, int.MaxValue)]
    public int MaxBufferedBytes { get; set; } = 256 * 1024 * 1024;

    /// <summary>
    /// Records a subscriber keeps in its state while the record stream refuses them; past it, it
    /// takes no new change until they are sent (bounded, so the state stays far below an item's limit).
    /// </summary>
    [Range(1, 1_000)]
    public int MaxOwedRecordsPerSubscriber { get; set; } = 200;

    /// <summary>…or once its oldest row is this old.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxBufferedRows < FlushRows)
        {
            yield return new ValidationResult("must be at least FlushRows", [$"{Section}:MaxBufferedRows"]);
        }

        if (MaxBufferedBytes < FlushBytes)
        {
            yield return new ValidationResult("must be at least FlushBytes", [$"{Section}:MaxBufferedBytes"]);
        }
    }
}
