using System.Globalization;
using System.Text;
using CsCheck;

namespace ChurnActors.Tests.Hostile;

/// <summary>
/// Generators of what a careless probe vendor or an attacker sends: JSON values whose strings hold
/// any character (controls, lone surrogate escapes, direction marks, other scripts' digits), whose
/// objects repeat keys, whose numbers sit where strings belong; probe events with one thing wrong;
/// and bytes that are not UTF-8. Every generated element keeps its brackets and quotes balanced, so
/// a batch of N of them is N elements to the server, whatever else is wrong inside them.
/// </summary>
public static class HostileJson
{
    private static readonly string[] Fields = ["eventId", "msisdn", "type", "status", "timestamp", "cell", "deviceTac", "vendor"];

    /// <summary>Characters that break lenient readers, beside ordinary ones.</summary>
    private static readonly Gen<char> Nasty = Gen.OneOf(
        Gen.Char['\0', '\u001f'],
        Gen.Char['\ud800', '\udfff'],
        Gen.OneOf(Gen.Const('\u200f'), Gen.Const('\u202e'), Gen.Const('\u200b'), Gen.Const('\ufeff'), Gen.Const('\u0085'), Gen.Const('\u007f')),
        Gen.OneOf(Gen.Const('４'), Gen.Const('٤'), Gen.Const('+'), Gen.Const('x'), Gen.Const(' ')),
        Gen.Char['0', '9'],
        Gen.Char);

    /// <summary>A JSON string literal: characters escaped or raw, lone surrogates as escapes (the only way JSON can carry them).</summary>
    public static readonly Gen<string> StringLiteral = Gen.Frequency(
        (4, Gen.String[Gen.Char['a', 'z'], 0, 20]),
        (3, Gen.String[Nasty, 0, 24]),
        (1, Gen.String[Gen.Char, 60, 200])).Select(Gen.Bool, (text, rawWhereSafe) => Literal(text, rawWhereSafe));

    public static readonly Gen<string> Number = Gen.OneOf(
        Gen.Long.Select(n => n.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        Gen.OneOf(Gen.Const("1e12"), Gen.Const("-0"), Gen.Const("4.0"), Gen.Const("1e400"), Gen.Const("99999999999999999999999")));

    public static readonly Gen<string> Value = Gen.Recursive<string>((depth, value) => depth >= 3
        ? Gen.OneOf(StringLiteral, Number, Gen.OneOf(Gen.Const("true"), Gen.Const("false"), Gen.Const("null")))
        : Gen.Frequency(
            (4, StringLiteral),
            (2, Number),
            (1, Gen.OneOf(Gen.Const("true"), Gen.Const("false"), Gen.Const("null"))),
            (1, value.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Gen.Select(Gen.OneOf(Gen.OneOf(Fields), StringLiteral.Select(Unquote)), value).Array[0, 6]
                .Select(pairs => "{" + string.Join(",", pairs.Select(p => $"{Literal(p.Item1, false)}:{p.Item2}")) + "}"))));

    /// <summary>A valid probe event with one or two things wrong with it (or none).</summary>
    public static readonly Gen<string> MutatedEvent = Gen.Select(
        Gen.Int[0, 9_999_999],
        Gen.Int[0, 7],
        Gen.Int[0, 5],
        Value,
        Gen.Int[0, 7]).Select((n, field, mutation, value, other) =>
        {
            var fields = ValidEvent($"+4477009{n % 100_000:D5}", $"hostile-{Guid.NewGuid():N}");
            var name = Fields[field];
            switch (mutation)
            {
                case 0:
                    fields.Remove(name);
                    break;
                case 1:
                    fields[name] = value;
                    break;
                case 2:
                    return Render(fields).TrimEnd('}') + $",{Literal(name, false)}:{value}}}";
                case 3:
                    fields[name] = value;
                    fields[Fields[other]] = value;
                    break;
                case 4:
                    fields["unknownField"] = value;
                    break;
            }

            return Render(fields);
        });

    /// <summary>One element of a hostile batch, as bytes: any of the above, sometimes with bytes that are not UTF-8 inside it.</summary>
    public static readonly Gen<byte[]> Element = Gen.Select(
        Gen.Frequency((3, MutatedEvent), (2, Value)),
        Gen.Int[0, 5],
        Gen.Byte[0x80, 0xFF].Array[1, 3],
        Gen.Int[0, int.MaxValue]).Select((json, corrupt, bytes, at) =>
        {
            var utf8 = Encoding.UTF8.GetBytes(json);
            if (corrupt != 0 || utf8.Length == 0)
            {
                return utf8;
            }

            // Bytes of 0x80 and above are never quotes, escapes, brackets or commas, so the element stays one
            // element — unless they land right after an escaping backslash, which would then escape them instead.
            var place = at % utf8.Length;
            while (EscapesNext(utf8, place))
            {
                place--;
            }

            return [.. utf8[..place], .. bytes, .. utf8[place..]];
        });

    public static Dictionary<string, string> ValidEvent(string msisdn, string eventId, string type = "CALL_DROP", bool fail = false) => new()
    {
        ["eventId"] = Literal(eventId, false),
        ["msisdn"] = Literal(msisdn, false),
        ["type"] = Literal(type, false),
        ["status"] = Literal(fail ? "FAIL" : "OK", false),
        ["timestamp"] = Literal(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), false),
        ["cell"] = Literal("234-15-HOSTILE", false),
        ["deviceTac"] = Literal("35332510", false),
        ["vendor"] = Literal("Ericsson", false),
    };

    public static string Render(Dictionary<string, string> fields) =>
        "{" + string.Join(",", fields.Select(f => $"{Literal(f.Key, false)}:{f.Value}")) + "}";

    /// <summary>
    /// A JSON string literal of <paramref name="text"/>: quotes and backslashes escaped, characters
    /// JSON cannot hold raw escaped — or, when <paramref name="rawWhereSafe"/>, control characters left
    /// raw (invalid JSON, which a reader must refuse without losing its place).
    /// </summary>
    public static string Literal(string text, bool rawWhereSafe)
    {
        var json = new StringBuilder("\"");
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    json.Append("\\\"");
                    break;
                case '\\':
                    json.Append("\\\\");
                    break;
                case < ' ' when rawWhereSafe:
                    json.Append(c);
                    break;
                case < ' ' or (>= '\ud800' and <= '\udfff'):
                    json.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    break;
                default:
                    json.Append(c);
                    break;
            }
        }

        return json.Append('"').ToString();
    }

    private static string Unquote(string literal) => literal[1..^1];

    /// <summary>Whether the byte before <paramref name="place"/> is a backslash that escapes what follows (an odd run of them).</summary>
    private static bool EscapesNext(byte[] utf8, int place)
    {
        var run = 0;
        while (place - run > 0 && utf8[place - run - 1] == '\\')
        {
            run++;
        }

        return run % 2 == 1;
    }
}
