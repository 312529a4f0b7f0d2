namespace ChurnActors.Grains.Options;

/// <summary>
/// When a subscriber writes a change that only counts sessions (no engagement created or moved, no
/// answer, no setting changed): before it answers, as every other change, unless the host knows a
/// later write loses nothing. Set by the silo from its providers, not by configuration.
/// </summary>
public sealed class SubscriberWriteOptions
{
    /// <summary>
    /// Counting changes from the ingest grain are written when the activation deactivates: true where
    /// grain state lives in the silo's own process (Memory storage on one silo), which a crash loses
    /// either way, so the activation holding the change is as durable as the store.
    /// </summary>
    public bool IngestedEventsWrittenBehind { get; set; }

    /// <summary>
    /// Counting changes from the probe stream (Kinesis) are written behind: the stream is durable and
    /// its checkpoint does not pass a record until every subscriber that counted it has written
    /// (<see cref="Subscribers.UnwrittenSubscribers"/>); after a crash the records are read again and
    /// what was written already is absorbed by event id. True whenever the probe stream is Kinesis.
    /// </summary>
    public bool StreamedEventsWrittenBehind { get; set; }
}
