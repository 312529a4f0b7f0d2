using System.ComponentModel.DataAnnotations;

namespace ChurnActors.Grains.Options;

/// <summary><c>Churn:Detection</c>: when a subscriber's experience counts as bad.</summary>
public sealed class DetectionOptions
{
    public const string Section = "Churn:Detection";

    public ThresholdOptions Thresholds { get; set; } = new();

    public WindowOptions Windows { get; set; } = new();

    /// <summary>Sessions of a type needed in its window before its fail rate can trigger (guards 1 ÷ 1).</summary>
    [Range(1, 10_000)]
    public int MinSamples { get; set; } = 5;

    /// <summary>
    /// Most event ids a subscriber remembers at once (12 bytes each). An id is remembered while its event
    /// could still be counted in its window; past this many (more than 17 sessions a minute over an hour),
    /// the subscriber refuses events old enough to be duplicates it forgot rather than counting any twice.
    /// </summary>
    [Range(16, 16_384)]
    public int RememberedEventIds { get; set; } = 1_024;

    public double ThresholdFor(IncidentType type) => type switch
    {
        IncidentType.CallDrop => Thresholds.CallDrop,
        IncidentType.CallQuality => Thresholds.CallQuality,
        IncidentType.LowBitrate => Thresholds.LowBitrate,
        IncidentType.VideoStalling => Thresholds.VideoStalling,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown incident type."),
    };

    public TimeSpan WindowFor(IncidentType type) =>
        type is IncidentType.CallDrop or IncidentType.CallQuality ? Windows.Call : Windows.Video;
}

public sealed class ThresholdOptions
{
    [Range(0.0, 1.0)]
    public double CallDrop { get; set; } = 0.16;

    [Range(0.0, 1.0)]
    public double CallQuality { get; set; } = 0.18;

    [Range(0.0, 1.0)]
    public double LowBitrate { get; set; } = 0.09;

    [Range(0.0, 1.0)]
    public double VideoStalling { get; set; } = 0.11;
}

public sealed class WindowOptions
{
    /// <summary>Window of <c>CALL_DROP</c> and <c>CALL_QUALITY</c>.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Call { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Window of <c>LOW_BITRATE</c> and <c>VIDEO_STALLING</c>.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Video { get; set; } = TimeSpan.FromMinutes(60);
}
