using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace ChurnActors.Benchmarks;

/// <summary>
/// The events every implementation is measured on, generated the same way for each: subscriber
/// <c>i</c> is <c>+4474{i:D8}</c>; a pass gives every subscriber one <c>CALL_DROP</c> session, a FAIL
/// one time in 27 (fixed by subscriber and pass), with the probe system's JSON (shaped as docs/design.md §2, 8
/// fields). Events are written into one buffer per batch from a template, so generating them costs
/// little beside what is measured.
/// </summary>
public sealed class EventMix(DateTimeOffset at, string run)
{
    public const int FailOneIn = 27;

    private readonly byte[] _prefix = Encoding.UTF8.GetBytes($"{{\"eventId\":\"{run}-");
    private readonly byte[] _timestamp = Encoding.UTF8.GetBytes(at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));

    public static string Msisdn(int subscriber) => $"+4474{subscriber:D8}";

    public static bool Fails(int subscriber, int pass) => Mix(subscriber, pass) % FailOneIn == 0;

    /// <summary>One event per subscriber of <c>[first, first + count)</c> in pass <paramref name="pass"/>.</summary>
    public EventBatch Pass(int pass, int first, int count, string type = "CALL_DROP") =>
        Batch(Enumerable.Range(first, count).Select(s => (s, pass, type, Fails(s, pass))));

    /// <summary>Events as given: subscriber, a number unique for it, type, whether it failed.</summary>
    public EventBatch Batch(IEnumerable<(int Subscriber, int Sequence, string Type, bool Fail)> events)
    {
        var list = events as IReadOnlyCollection<(int, int, string, bool)> ?? [.. events];
        var buffer = new byte[list.Count * 260];
        var ranges = new List<Range>(list.Count);
        var at = 0;
        foreach (var (subscriber, sequence, type, fail) in list)
        {
            var start = at;
            Write(buffer, ref at, _prefix);
            Number(buffer, ref at, sequence, 8);
            buffer[at++] = (byte)'-';
            Number(buffer, ref at, subscriber, 8);
            Write(buffer, ref at, "\",\"msisdn\":\"+4474"u8);
            Number(buffer, ref at, subscriber, 8);
            Write(buffer, ref at, "\",\"type\":\""u8);
            Write(buffer, ref at, Encoding.ASCII.GetBytes(type));
            Write(buffer, ref at, fail ? "\",\"status\":\"FAIL\",\"timestamp\":\""u8 : "\",\"status\":\"OK\",\"timestamp\":\""u8);
            Write(buffer, ref at, _timestamp);
            Write(buffer, ref at, "\",\"cell\":\"234-15-BENCH\",\"deviceTac\":\"35332510\",\"vendor\":\"Ericsson\"}"u8);
            ranges.Add(new Range(start, at));
        }

        return new EventBatch(buffer, ranges);
    }

    private static void Write(byte[] buffer, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.AsSpan(at));
        at += bytes.Length;
    }

    private static void Number(byte[] buffer, ref int at, int value, int digits)
    {
        Utf8Formatter.TryFormat(value, buffer.AsSpan(at), out var written, new System.Buffers.StandardFormat('D', (byte)digits));
        at += written;
    }

    private static uint Mix(int subscriber, int pass)
    {
        var x = (uint)subscriber * 2654435761u ^ ((uint)pass * 40503u + 0x9E3779B9u);
        x ^= x >> 16;
        x *= 0x85EBCA6Bu;
        x ^= x >> 13;
        return x;
    }
}

/// <summary>Events in one buffer, each a range of it.</summary>
public sealed record EventBatch(byte[] Buffer, IReadOnlyList<Range> Events)
{
    public int Count => Events.Count;

    public ReadOnlySpan<byte> this[int index] => Buffer.AsSpan(Events[index]);

    public ProbePayloads ToPayloads()
    {
        var memory = Buffer.AsMemory();
        return new ProbePayloads([.. Events.Select(r => memory[r])]);
    }
}
