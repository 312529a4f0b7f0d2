using System.Text.Json;
using ChurnActors.Gateway.Apis;
using ChurnActors.Input;

namespace ChurnActors.Gateway.Input;

/// <summary>
/// The feedback and opt-out bodies, read by the same rules as probe events (<see cref="StrictJson"/>):
/// one JSON object, each known field at most once, each of its own type — <c>"score": "4"</c> is not a
/// score — strings that are valid text without control characters. Fields the API does not name are
/// ignored. A refusal is a sentence naming the field.
/// </summary>
public static class StrictBodies
{
    private const int MaxIdLength = 256;

    public static bool TryReadFeedback(ReadOnlySpan<byte> json, out FeedbackBody? body, out string problem)
    {
        body = null;
        string? contactId = null, engagementId = null, msisdn = null, outcome = null;
        int? score = null;
        DateTimeOffset? answeredAt = null;
        var ok = TryReadObject(json, "feedback", out problem, (ref Utf8JsonReader reader, string name, out string reason) => name switch
        {
            "contactId" => StrictJson.TryReadText(ref reader, name, MaxIdLength, out contactId, out reason),
            "engagementId" => StrictJson.TryReadText(ref reader, name, MaxIdLength, out engagementId, out reason),
            "msisdn" => StrictJson.TryReadText(ref reader, name, 64, out msisdn, out reason),
            "outcome" => StrictJson.TryReadText(ref reader, name, 64, out outcome, out reason),
            "score" => TryReadScore(ref reader, out score, out reason),
            "answeredAt" => TryReadTime(ref reader, name, out answeredAt, out reason),
            _ => Unknown(ref reader, out reason),
        }, ["contactId", "engagementId", "msisdn", "outcome", "score", "answeredAt"]);
        if (ok)
        {
            body = new FeedbackBody(contactId, engagementId, msisdn, score, answeredAt, outcome);
        }

        return ok;
    }

    public static bool TryReadOptOut(ReadOnlySpan<byte> json, out bool optOut, out string problem)
    {
        bool? value = null;
        var ok = TryReadObject(json, "opt-out", out problem, (ref Utf8JsonReader reader, string name, out string reason) => name switch
        {
            "optOut" => TryReadBoolean(ref reader, name, out value, out reason),
            _ => Unknown(ref reader, out reason),
        }, ["optOut"]);
        optOut = value ?? false;
        if (ok && value is null)
        {
            problem = "optOut is required: the body is {\"optOut\": true} or {\"optOut\": false}.";
            return false;
        }

        return ok;
    }

    private delegate bool FieldReader(ref Utf8JsonReader reader, string name, out string reason);

    private static bool TryReadObject(ReadOnlySpan<byte> json, string what, out string problem, FieldReader readField, string[] fields)
    {
        try
        {
            var reader = new Utf8JsonReader(json, StrictJson.ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                problem = $"The {what} body must be one JSON object.";
                return false;
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = "";
                foreach (var field in fields)
                {
                    if (NameIs(ref reader, field))
                    {
                        name = field;
                        break;
                    }
                }

                if (name.Length > 0 && !seen.Add(name))
                {
                    problem = $"{name} appears twice; each field may appear once.";
                    return false;
                }

                reader.Read();
                if (!readField(ref reader, name, out var reason))
                {
                    problem = reason.EndsWith('.') ? reason : reason + ".";
                    return false;
                }
            }

            if (!StrictJson.AtEnd(ref reader))
            {
                problem = $"There is more after the {what} object; send one JSON object.";
                return false;
            }

            problem = "";
            return true;
        }
        catch (JsonException exception)
        {
            problem = $"The {what} body is not valid JSON: {exception.Message}";
            return false;
        }
    }

    private static bool NameIs(ref Utf8JsonReader reader, string field)
    {
        try
        {
            return reader.ValueTextEquals(field);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool Unknown(ref Utf8JsonReader reader, out string reason)
    {
        reader.Skip();
        reason = "";
        return true;
    }

    private static bool TryReadScore(ref Utf8JsonReader reader, out int? score, out string reason)
    {
        score = null;
        reason = "";
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return true;
            case JsonTokenType.Number when reader.TryGetInt32(out var digit):
                score = digit;
                return true;
            default:
                reason = $"score must be a whole number, the digit pressed (1 to 5), not {(reader.TokenType == JsonTokenType.Number ? "a fraction or an out-of-range number" : StrictJson.Describe(reader.TokenType))}";
                return false;
        }
    }

    private static bool TryReadBoolean(ref Utf8JsonReader reader, string name, out bool? value, out string reason)
    {
        value = reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => null,
        };
        reason = value is null ? $"{name} must be true or false, not {StrictJson.Describe(reader.TokenType)}" : "";
        return value is not null;
    }

    private static bool TryReadTime(ref Utf8JsonReader reader, string name, out DateTimeOffset? value, out string reason)
    {
        value = null;
        if (!StrictJson.TryReadText(ref reader, name, 64, out var text, out reason) || text is null)
        {
            return reason.Length == 0;
        }

        if (!StrictJson.IsTimeWithOffset(text) || !reader.TryGetDateTimeOffset(out var parsed))
        {
            reason = $"{name} must be ISO-8601 with an offset, e.g. 2026-11-25T18:40:00Z";
            return false;
        }

        value = parsed;
        return true;
    }
}
