using System.Globalization;
using System.Numerics;

namespace ChurnActors.Records;

/// <summary>
/// The position of a stream event in a durable source that replays it after a failure (a Kinesis
/// shard and sequence number): the same event read again has the same position, so whoever keeps
/// what it has written can recognise it.
/// </summary>
public interface IReplayablePosition
{
    /// <summary>The ordered source (the shard).</summary>
    string Source { get; }

    /// <summary>The position in the source; later events have larger offsets.</summary>
    BigInteger Offset { get; }
}

/// <summary>
/// The source of a rejected probe record read from a stream: <c>kinesis:{stream}/{shard}/{sequence}</c>.
/// Read again after a failure, the record is rejected again with the same source, which is how the
/// archiver keeps it out of the lake a second time.
/// </summary>
public static class RejectedSources
{
    private const string Prefix = "kinesis:";

    public static string FromStream(string stream, string shard, string sequenceNumber) => $"{Prefix}{stream}/{shard}/{sequenceNumber}";

    /// <param name="origin">The shard, as <c>kinesis:{stream}/{shard}</c>.</param>
    public static bool TryParseStreamPosition(string source, out string origin, out BigInteger offset)
    {
        origin = "";
        offset = default;
        var cut = source.LastIndexOf('/');
        if (!source.StartsWith(Prefix, StringComparison.Ordinal) || cut < Prefix.Length
            || !BigInteger.TryParse(source.AsSpan(cut + 1), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            return false;
        }

        origin = source[..cut];
        return true;
    }
}
