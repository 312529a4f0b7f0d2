using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace ChurnActors.Input;

/// <summary>
/// The rules every JSON input of the system is read by (probe events, feedback, opt-out): each
/// field at most once, strings that are valid text without control or invisible format characters,
/// numbers only where numbers belong. Readers call these on a <see cref="Utf8JsonReader"/> positioned
/// at a field's value and turn a refusal into a reason that names the field.
/// </summary>
public static class StrictJson
{
    public static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 32,
    };

    /// <summary>
    /// Reads a string field. A JSON <c>null</c> gives <c>null</c> (the caller decides whether the field
    /// is required); an empty or blank string gives "".
    /// </summary>
    public static bool TryReadText(ref Utf8JsonReader reader, string name, int maxLength, out string? value, out string reason)
    {
        value = null;
        reason = "";
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            reason = $"{name} must be a string, not {Describe(reader.TokenType)}";
            return false;
        }

        // Each character takes at least one byte and an escape at most six: skip decoding what is surely too long.
        if (!reader.ValueIsEscaped && reader.ValueSpan.Length > maxLength * 4)
        {
            reason = $"{name} is longer than {maxLength} characters";
            return false;
        }

        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            reason = $"{name} is not valid text (bytes that are not UTF-8, or an unpaired surrogate escape such as \\ud800)";
            return false;
        }

        if (text.Length > maxLength)
        {
            reason = $"{name} is longer than {maxLength} characters";
            return false;
        }

        if (FirstForbidden(text) is { } forbidden)
        {
            reason = $"{name} has the invisible or control character U+{(int)forbidden:X4} at position {text.IndexOf(forbidden, StringComparison.Ordinal) + 1}";
            return false;
        }

        value = string.IsNullOrWhiteSpace(text) ? "" : text;
        return true;
    }

    /// <summary>Where <paramref name="bytes"/> stop being UTF-8, or null if they are UTF-8 throughout.</summary>
    public static int? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return null;
        }

        var at = 0;
        while (System.Text.Rune.DecodeFromUtf8(bytes[at..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            at += consumed;
        }

        return at;
    }

    /// <summary>An ISO-8601 date and time (<c>yyyy-MM-ddTHH:mm…</c>) that ends in <c>Z</c> or <c>±hh:mm</c>: a time without an offset cannot be placed.</summary>
    public static bool IsTimeWithOffset(ReadOnlySpan<byte> text) => IsTimeWithOffset<byte>(text);

    /// <inheritdoc cref="IsTimeWithOffset(ReadOnlySpan{byte})"/>
    public static bool IsTimeWithOffset(string text) => IsTimeWithOffset<char>(text);

    /// <summary>One rule for UTF-8 bytes and for characters: every character it looks at is ASCII.</summary>
    private static bool IsTimeWithOffset<T>(ReadOnlySpan<T> text)
        where T : unmanaged, IBinaryInteger<T>
    {
        static bool Is(T c, char ascii) => c == T.CreateTruncating(ascii);
        static bool Digit(T c) => c >= T.CreateTruncating('0') && c <= T.CreateTruncating('9');

        if (text.Length < 17 || !Is(text[10], 'T'))
        {
            return false;
        }

        if (Is(text[^1], 'Z'))
        {
            return true;
        }

        var offset = text[^6..];
        return (Is(offset[0], '+') || Is(offset[0], '-')) && Digit(offset[1]) && Digit(offset[2]) && Is(offset[3], ':') && Digit(offset[4]) && Digit(offset[5]);
    }

    /// <summary>Control characters (C0, DEL, C1, CR/LF and NUL among them) and invisible format characters (direction marks, zero-width).</summary>
    public static char? FirstForbidden(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c < ' ' || (c >= '\u007F' && (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>The field's name in words for a reason, even when it is not valid text.</summary>
    public static string NameOf(ref Utf8JsonReader reader)
    {
        try
        {
            var name = reader.GetString()!;
            return FirstForbidden(name) is null && name.Length <= 64 ? $"'{name}'" : "a field with an unprintable name";
        }
        catch (InvalidOperationException)
        {
            return "a field whose name is not valid text";
        }
    }

    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString().ToLowerInvariant(),
    };

    /// <summary>After the document's value: anything but whitespace is a second value, which no input allows.</summary>
    public static bool AtEnd(ref Utf8JsonReader reader)
    {
        try
        {
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
