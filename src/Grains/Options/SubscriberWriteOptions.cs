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
}
