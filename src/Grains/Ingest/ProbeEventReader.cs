using System.Text.Json;
using ChurnActors.Input;

namespace ChurnActors.Grains.Ingest;

/// <summary>
/// Reads the JSON of one probe event into a <see cref="ProbeEvent"/>, strictly, or says exactly what is
/// wrong with it. The one reader of every ingest path (the HTTP batches and the Kinesis probe stream).
/// <list type="bullet">
/// <item>Each known field at most once (a second <c>status</c> is refused, never "the last wins"); fields
/// the contract does not name are ignored, so a probe vendor adding one breaks nothing.</item>
/// <item>Strings are strings (no numbers for ids), valid text, free of control and invisible format
/// characters; each within its length.</item>
/// <item><c>msisdn</c> as <see cref="MsisdnNormalizer"/> allows; <c>type</c> and <c>status</c> in any case;
/// <c>timestamp</c> ISO-8601 with an explicit offset, at most five minutes ahead; <c>deviceTac</c> 8 ASCII
/// digits when given (an empty optional string counts as absent).</item>
/// <item>Any failure of the JSON reader, whatever the bytes, is a reason, never an exception.</item>
/// </list>
/// </summary>
public static class ProbeEventReader
{
    /// <summary>Spellings of numbers read so far and their E.164 form: a subscriber's next event skips libphonenumber.</summary>
    private static readonly KnownTexts Numbers = new(capacity: 4_000_000);

    /// <summary>Cells and vendors read so far.</summary>
    private static readonly KnownTexts Texts = new(capacity: 1_000_000);

    public const int MaxEventIdLength = 128;
    public const int MaxCellLength = 64;
    public const int MaxVendorLength = 64;
    private const int MaxWordLength = 64;

    [Flags]
    private enum Field
    {
        None = 0,
        EventId = 1,
        Msisdn = 2,
        Type = 4,
        Status = 8,
        Timestamp = 16,
        Cell = 32,
        DeviceTac = 64,
        Vendor = 128,
    }

    /// <summary>Reads <paramref name="json"/>, which must hold one JSON object and nothing else.</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, DateTimeOffset now, out ProbeEvent? probe, out string reason)
    {
        probe = null;
        if (StrictJson.FirstInvalidUtf8(json) is { } invalid)
        {
            reason = $"not UTF-8 text: the byte 0x{json[invalid]:X2} at position {invalid} does not begin or continue a character";
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(json, StrictJson.ReaderOptions);
            if (!reader.Read())
            {
                reason = "not valid JSON: the event is empty";
                return false;
            }

            if (!TryReadObject(ref reader, now, out probe, out reason))
            {
                return false;
            }

            if (!StrictJson.AtEnd(ref reader))
            {
                probe = null;
                reason = "not valid JSON: there is more after the event's object";
                return false;
            }

            return true;
        }
        catch (JsonException exception)
        {
            probe = null;
            reason = $"not valid JSON: {exception.Message}";
            return false;
        }
    }

    private static bool TryReadObject(ref Utf8JsonReader reader, DateTimeOffset now, out ProbeEvent? probe, out string reason)
    {
        probe = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reason = $"a probe event must be a JSON object, not {StrictJson.Describe(reader.TokenType)}";
            return false;
        }

        var seen = Field.None;
        string? eventId = null, msisdn = null, cell = null, deviceTac = null, vendor = null;
        IncidentType? type = null;
        bool? failed = null;
        DateTimeOffset? timestamp = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader);
            if (field != Field.None && seen.HasFlag(field))
            {
                reason = $"{NameOf(field)} appears twice; each field may appear once";
                return false;
            }

            seen |= field;
            reader.Read();
            var ok = field switch
            {
                Field.EventId => StrictJson.TryReadText(ref reader, "eventId", MaxEventIdLength, out eventId, out reason),
                Field.Msisdn => TryReadMsisdn(ref reader, out msisdn, out reason),
                Field.Type => TryReadType(ref reader, out type, out reason),
                Field.Status => TryReadStatus(ref reader, out failed, out reason),
                Field.Timestamp => TryReadTimestamp(ref reader, now, out timestamp, out reason),
                Field.Cell => TryReadKnownText(ref reader, "cell", MaxCellLength, out cell, out reason),
                Field.DeviceTac => TryReadDeviceTac(ref reader, out deviceTac, out reason),
                Field.Vendor => TryReadKnownText(ref reader, "vendor", MaxVendorLength, out vendor, out reason),
                _ => Skip(ref reader, out reason),
            };
            if (!ok)
            {
                return false;
            }
        }

        if ((Missing(eventId, "eventId") ?? Missing(msisdn, "msisdn") ?? Missing(type, "type") ?? Missing(failed, "status")
            ?? Missing(timestamp, "timestamp") ?? Missing(cell, "cell")) is { } missing)
        {
            reason = missing;
            return false;
        }

        probe = new ProbeEvent(eventId!, msisdn!, type!.Value, failed!.Value, timestamp!.Value, cell!, NullIfEmpty(deviceTac), NullIfEmpty(vendor));
        reason = "";
        return true;
    }

    private static Field FieldOf(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.ValueTextEquals("eventId"u8) ? Field.EventId
                : reader.ValueTextEquals("msisdn"u8) ? Field.Msisdn
                : reader.ValueTextEquals("type"u8) ? Field.Type
                : reader.ValueTextEquals("status"u8) ? Field.Status
                : reader.ValueTextEquals("timestamp"u8) ? Field.Timestamp
                : reader.ValueTextEquals("cell"u8) ? Field.Cell
                : reader.ValueTextEquals("deviceTac"u8) ? Field.DeviceTac
                : reader.ValueTextEquals("vendor"u8) ? Field.Vendor
                : Field.None;
        }
        catch (InvalidOperationException)
        {
            // A name that is not valid text is no field of ours.
            return Field.None;
        }
    }

    private static string NameOf(Field field) => field switch
    {
        Field.EventId => "eventId",
        Field.Msisdn => "msisdn",
        Field.Type => "type",
        Field.Status => "status",
        Field.Timestamp => "timestamp",
        Field.Cell => "cell",
        Field.DeviceTac => "deviceTac",
        _ => "vendor",
    };

    private static string? Missing<T>(T? value, string name) => value switch
    {
        null => $"{name} is required",
        "" => $"{name} must not be empty",
        _ => null,
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static bool Skip(ref Utf8JsonReader reader, out string reason)
    {
        reader.Skip();
        reason = "";
        return true;
    }

    /// <summary>The number in E.164, from <see cref="Numbers"/> when it was read before in the same spelling.</summary>
    private static bool TryReadMsisdn(ref Utf8JsonReader reader, out string? msisdn, out string reason)
    {
        Span<char> raw = stackalloc char[MaxWordLength];
        if (TryChars(ref reader, raw, out var length) && Numbers.TryGet(raw[..length], out msisdn))
        {
            reason = "";
            return true;
        }

        if (!StrictJson.TryReadText(ref reader, "msisdn", MaxWordLength, out var text, out reason) || string.IsNullOrEmpty(text))
        {
            msisdn = text;
            return reason.Length == 0;
        }

        if (!MsisdnNormalizer.TryNormalize(text, out var e164, out var why))
        {
            msisdn = null;
            reason = $"msisdn is not a phone number in international form (E.164, country code first): it {why}";
            return false;
        }

        msisdn = Numbers.Remember(text, e164);
        return true;
    }

    /// <summary>A text that recurs (a cell, a vendor): from <see cref="Texts"/> when read before.</summary>
    private static bool TryReadKnownText(ref Utf8JsonReader reader, string name, int maxLength, out string? value, out string reason)
    {
        Span<char> raw = stackalloc char[MaxWordLength];
        if (TryChars(ref reader, raw, out var length) && Texts.TryGet(raw[..length], out value))
        {
            reason = "";
            return true;
        }

        if (!StrictJson.TryReadText(ref reader, name, maxLength, out value, out reason))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(value))
        {
            value = Texts.Remember(value, value);
        }

        return true;
    }

    /// <summary>The characters of a short, unescaped string token (the payload is UTF-8 throughout, checked first).</summary>
    private static bool TryChars(ref Utf8JsonReader reader, scoped Span<char> chars, out int length)
    {
        length = 0;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence || reader.ValueSpan.Length > chars.Length)
        {
            return false;
        }

        length = System.Text.Encoding.UTF8.GetChars(reader.ValueSpan, chars);
        return true;
    }

    private static bool TryReadType(ref Utf8JsonReader reader, out IncidentType? type, out string reason)
    {
        reason = "";
        type = reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped ? null
            : reader.ValueTextEquals("CALL_DROP"u8) ? IncidentType.CallDrop
            : reader.ValueTextEquals("CALL_QUALITY"u8) ? IncidentType.CallQuality
            : reader.ValueTextEquals("LOW_BITRATE"u8) ? IncidentType.LowBitrate
            : reader.ValueTextEquals("VIDEO_STALLING"u8) ? IncidentType.VideoStalling
            : null;
        return type is not null || TryReadWord(
            ref reader,
            "type",
            text => IncidentTypes.TryParse(text, out var parsed) ? parsed : (IncidentType?)null,
            "CALL_DROP, CALL_QUALITY, LOW_BITRATE or VIDEO_STALLING",
            out type,
            out reason);
    }

    private static bool TryReadStatus(ref Utf8JsonReader reader, out bool? failed, out string reason)
    {
        reason = "";
        failed = reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped ? null
            : reader.ValueTextEquals("OK"u8) ? false
            : reader.ValueTextEquals("FAIL"u8) ? true
            : null;
        return failed is not null || TryReadWord(
            ref reader,
            "status",
            text => string.Equals(text, "FAIL", StringComparison.OrdinalIgnoreCase) ? true
                : string.Equals(text, "OK", StringComparison.OrdinalIgnoreCase) ? false
                : null,
            "OK or FAIL",
            out failed,
            out reason);
    }

    /// <summary>
    /// The slow path of a word field (type, status): any case, escapes undone; the word is read as text
    /// and parsed, and an empty or unknown one refused with the words that are expected.
    /// </summary>
    private static bool TryReadWord<T>(ref Utf8JsonReader reader, string name, Func<string, T?> parse, string expected, out T? value, out string reason)
        where T : struct
    {
        value = null;
        if (!StrictJson.TryReadText(ref reader, name, MaxWordLength, out var text, out reason) || text is null)
        {
            return reason.Length == 0;
        }

        if (text.Length == 0)
        {
            reason = $"{name} must not be empty";
            return false;
        }

        value = parse(text);
        if (value is null)
        {
            reason = $"{name} '{Truncate(text)}' is unknown; expected {expected}";
            return false;
        }

        return true;
    }

    private static bool TryReadTimestamp(ref Utf8JsonReader reader, DateTimeOffset now, out DateTimeOffset? timestamp, out string reason)
    {
        reason = "";
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence
            && StrictJson.IsTimeWithOffset(reader.ValueSpan) && reader.TryGetDateTimeOffset(out var parsed)
            && parsed - now <= Rules.IncidentWindow.FutureTolerance)
        {
            timestamp = parsed;
            return true;
        }

        return TryReadTimestampText(ref reader, now, out timestamp, out reason);
    }

    private static bool TryReadTimestampText(ref Utf8JsonReader reader, DateTimeOffset now, out DateTimeOffset? timestamp, out string reason)
    {
        timestamp = null;
        if (!StrictJson.TryReadText(ref reader, "timestamp", MaxWordLength, out var text, out reason) || text is null)
        {
            return reason.Length == 0;
        }

        if (text.Length == 0)
        {
            reason = "timestamp must not be empty";
            return false;
        }

        // A time without an offset cannot be placed in a window; ISO-8601 date and time, 'T' between them.
        if (!StrictJson.IsTimeWithOffset(text) || !reader.TryGetDateTimeOffset(out var parsed))
        {
            reason = "timestamp must be ISO-8601 with an offset, e.g. 2026-11-25T18:40:00Z";
            return false;
        }

        if (parsed - now > Rules.IncidentWindow.FutureTolerance)
        {
            reason = $"timestamp {text} is more than 5 minutes in the future";
            return false;
        }

        timestamp = parsed;
        return true;
    }

    private static bool TryReadDeviceTac(ref Utf8JsonReader reader, out string? tac, out string reason)
    {
        if (!StrictJson.TryReadText(ref reader, "deviceTac", MaxWordLength, out tac, out reason))
        {
            return false;
        }

        if (!string.IsNullOrEmpty(tac) && (tac.Length != 8 || !tac.All(char.IsAsciiDigit)))
        {
            reason = "deviceTac must be 8 digits";
            return false;
        }

        return true;
    }

    private static string Truncate(string text) => text.Length <= 32 ? text : text[..32] + "…";
}
