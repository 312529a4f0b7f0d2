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
