namespace ChurnActors;

/// <summary>
/// Probe events on a stream (Kinesis in production): one stream per subscriber, keyed by the E.164
/// msisdn, each item the events of one read for that subscriber, which its grain takes by implicit subscription.
/// </summary>
public static class ProbeStreams
{
    public const string ProviderName = "probes";
    public const string Namespace = "churn-probes";
}
