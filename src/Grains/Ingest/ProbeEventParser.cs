using System.Globalization;
using System.Text.Json;

namespace ChurnActors.Grains.Ingest;

/// <summary>Turns the JSON of one probe event (SPEC §2) into a <see cref="ProbeEvent"/>, or says exactly what is wrong with it.</summary>
public static class ProbeEventParser
{
    public const int MaxEventIdLength = 128;
    public const int MaxCellLength = 64;
    public const int MaxVendorLength = 64;

    public static bool TryParse(string json, DateTimeOffset now, out ProbeEvent? probe, out string reason)
    {
        probe = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            return TryParse(document.RootElement, now, out probe, out reason);
        }
        catch (JsonException exception)
        {
            reason = $"not valid JSON: {exception.Message}";
            return false;
        }
    }

    public static bool TryParse(JsonElement element, DateTimeOffset now, out ProbeEvent? probe, out string reason)
    {
        probe = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            reason = $"a probe event must be a JSON object, not {element.ValueKind.ToString().ToLowerInvariant()}";
            return false;
        }

        if (!TryRequiredString(element, "eventId", MaxEventIdLength, out var eventId, out reason)
            || !TryRequiredString(element, "msisdn", 64, out var rawMsisdn, out reason)
            || !TryRequiredString(element, "type", 64, out var rawType, out reason)
            || !TryRequiredString(element, "status", 16, out var rawStatus, out reason)
            || !TryRequiredString(element, "timestamp", 64, out var rawTimestamp, out reason)
            || !TryRequiredString(element, "cell", MaxCellLength, out var cell, out reason)
            || !TryOptionalString(element, "deviceTac", 8, out var deviceTac, out reason)
            || !TryOptionalString(element, "vendor", MaxVendorLength, out var vendor, out reason))
        {
            return false;
        }

        if (!MsisdnNormalizer.TryNormalize(rawMsisdn, out var msisdn))
        {
            reason = "msisdn is not a phone number in international form (E.164, country code first)";
            return false;
        }

        if (!IncidentTypes.TryParse(rawType, out var type))
        {
            reason = $"type '{Truncate(rawType)}' is unknown; expected CALL_DROP, CALL_QUALITY, LOW_BITRATE or VIDEO_STALLING";
            return false;
        }

        bool failed;
        if (string.Equals(rawStatus, "FAIL", StringComparison.OrdinalIgnoreCase))
        {
            failed = true;
        }
        else if (string.Equals(rawStatus, "OK", StringComparison.OrdinalIgnoreCase))
        {
            failed = false;
        }
        else
        {
            reason = $"status '{Truncate(rawStatus)}' is unknown; expected OK or FAIL";
            return false;
        }

        if (!TryParseTimestamp(rawTimestamp, out var timestamp))
        {
            reason = "timestamp must be ISO-8601 with an offset, e.g. 2026-11-25T18:40:00Z";
            return false;
        }

        if (timestamp - now > Detection.IncidentWindow.FutureTolerance)
        {
            reason = $"timestamp {rawTimestamp} is more than 5 minutes in the future";
            return false;
        }

        if (deviceTac is not null && (deviceTac.Length != 8 || !deviceTac.All(char.IsAsciiDigit)))
        {
            reason = "deviceTac must be 8 digits";
            return false;
        }

        probe = new ProbeEvent(eventId, msisdn, type, failed, timestamp, cell, deviceTac, vendor);
        reason = "";
        return true;
    }

    /// <summary>ISO-8601 date and time with an offset (<c>Z</c> or ±hh:mm); a time without one cannot be placed in a window.</summary>
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd'T'HH:mm'Z'",
    ];

    private static bool TryParseTimestamp(string text, out DateTimeOffset timestamp) =>
        DateTimeOffset.TryParseExact(text, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out timestamp);

    private static bool TryRequiredString(JsonElement element, string name, int maxLength, out string value, out string reason)
    {
        value = "";
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            reason = $"{name} is required";
            return false;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            reason = $"{name} must be a string";
            return false;
        }

        value = property.GetString()!;
        if (string.IsNullOrWhiteSpace(value))
        {
            reason = $"{name} must not be empty";
            return false;
        }

        if (value.Length > maxLength)
        {
            reason = $"{name} is longer than {maxLength} characters";
            return false;
        }

        reason = "";
        return true;
    }

    private static bool TryOptionalString(JsonElement element, string name, int maxLength, out string? value, out string reason)
    {
        value = null;
        reason = "";
        if (!element.TryGetProperty(name, out var property) || property.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            reason = $"{name} must be a string";
            return false;
        }

        value = property.GetString();
        if (value is { Length: > 0 } && value.Length > maxLength)
        {
            reason = name == "deviceTac" ? "deviceTac must be 8 digits" : $"{name} is longer than {maxLength} characters";
            return false;
        }

        value = string.IsNullOrEmpty(value) ? null : value;
        return true;
    }

    private static string Truncate(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
