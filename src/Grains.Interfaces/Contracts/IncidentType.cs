namespace ChurnActors;

/// <summary>The four kinds of service session the probe system reports on.</summary>
[GenerateSerializer]
public enum IncidentType
{
    CallDrop = 0,
    CallQuality = 1,
    LowBitrate = 2,
    VideoStalling = 3,
}

public static class IncidentTypes
{
    /// <summary>How many there are: the length of every per-type array (windows, cell counts).</summary>
    public const int Count = 4;

    public static readonly IncidentType[] All =
        [IncidentType.CallDrop, IncidentType.CallQuality, IncidentType.LowBitrate, IncidentType.VideoStalling];

    /// <summary>The name on the wire and in the data lake (<c>CALL_DROP</c>…).</summary>
    public static string ToWire(this IncidentType type) => type switch
    {
        IncidentType.CallDrop => "CALL_DROP",
        IncidentType.CallQuality => "CALL_QUALITY",
        IncidentType.LowBitrate => "LOW_BITRATE",
        IncidentType.VideoStalling => "VIDEO_STALLING",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown incident type."),
    };

    /// <summary>Parses a wire name, case-insensitively.</summary>
    public static bool TryParse(string? text, out IncidentType type)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(text, candidate.ToWire(), StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
