namespace ChurnActors.Gateway.Input;

/// <summary>
/// Finds the elements of a top-level JSON array without judging them, so that each can be read — and
/// refused — on its own: a broken element (a raw control character, invalid UTF-8, a stray quote
/// inside balanced brackets) costs that element, not the batch. Only a body whose shape cannot be
/// followed (not an array, an array never closed, content after it) is refused whole.
/// </summary>
public static class JsonArrayElements
{
    public enum Outcome
    {
        Elements,
        NotAnArray,
        Malformed,
    }

    /// <param name="elements">Filled with each element's range, trimmed of whitespace (empty for an element between two commas).</param>
    /// <param name="count">How many elements the array holds, also beyond <paramref name="maxElements"/>.</param>
    /// <param name="maxElements">Ranges are kept for at most this many; the rest are only counted.</param>
    public static Outcome Split(ReadOnlySpan<byte> json, int maxElements, List<Range> elements, out int count, out string problem)
    {
        count = 0;
        problem = "";
        ReadOnlySpan<byte> byteOrderMark = [0xEF, 0xBB, 0xBF];
        var at = SkipWhitespace(json, json.StartsWith(byteOrderMark) ? byteOrderMark.Length : 0);
        if (at == json.Length)
        {
            problem = "The body is empty; send a JSON array of probe events.";
            return Outcome.Malformed;
        }

        if (json[at] != '[')
        {
            problem = "The body must be a JSON array of probe events, e.g. [{\"eventId\": …}].";
            return Outcome.NotAnArray;
        }

        at = SkipWhitespace(json, at + 1);
        if (at < json.Length && json[at] == ']')
        {
            return TrailingContent(json, at + 1, ref problem);
        }

        while (true)
        {
            var start = at;
            var depth = 0;
            var inString = false;
            for (; at < json.Length; at++)
            {
                var b = json[at];
                if (inString)
                {
                    if (b == '\\')
                    {
                        at++;
                    }
                    else if (b == '"')
                    {
                        inString = false;
                    }
                }
                else if (b == '"')
                {
                    inString = true;
                }
                else if (b is (byte)'{' or (byte)'[')
                {
                    depth++;
                }
                else if (b is (byte)'}' or (byte)']')
                {
                    if (depth == 0)
                    {
                        break;
                    }

                    depth--;
                }
                else if (b == ',' && depth == 0)
                {
                    break;
                }
            }

            if (at >= json.Length)
            {
                problem = inString
                    ? $"The body ends inside a string of element {count}; the array is not closed."
                    : $"The body ends inside element {count}; the array is not closed with ].";
                return Outcome.Malformed;
            }

            if (json[at] == '}')
            {
                problem = $"Element {count} closes an object it never opened (at byte {at}).";
                return Outcome.Malformed;
            }

            if (count < maxElements)
            {
                elements.Add(new Range(start, TrimEnd(json, start, at)));
            }

            count++;
            if (json[at] == ']')
            {
                return TrailingContent(json, at + 1, ref problem);
            }

            at = SkipWhitespace(json, at + 1);
        }
    }

    private static Outcome TrailingContent(ReadOnlySpan<byte> json, int after, ref string problem)
    {
        if (SkipWhitespace(json, after) == json.Length)
        {
            return Outcome.Elements;
        }

        problem = $"There is more after the array's closing ] (at byte {after}); send one JSON array.";
        return Outcome.Malformed;
    }

    private static int SkipWhitespace(ReadOnlySpan<byte> json, int at)
    {
        while (at < json.Length && json[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            at++;
        }

        return at;
    }

    private static int TrimEnd(ReadOnlySpan<byte> json, int start, int end)
    {
        while (end > start && json[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            end--;
        }

        return end;
    }
}
