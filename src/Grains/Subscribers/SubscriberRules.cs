using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Grains.Options;
using Microsoft.Extensions.Options;

namespace ChurnActors.Grains.Subscribers;

/// <summary>What every subscriber of a silo decides by: the configured rules, built once, shared by all activations.</summary>
public sealed class SubscriberRules(
    IOptions<DetectionOptions> detection,
    IOptions<ContactPolicyOptions> contactPolicy,
    IOptions<SentimentOptions> sentiment,
    IOptions<DialerOptions> dialer,
    IOutboundDialer dialerInUse,
    IOptions<ArchiveOptions> archive,
    IOptions<SubscriberWriteOptions> writes)
{
    public DetectionOptions Detection { get; } = detection.Value;

    public ContactPolicy Policy { get; } = new(contactPolicy.Value);

    public SentimentRule Sentiment { get; } = new(sentiment.Value);

    public TimeSpan CallTimeout { get; } = dialer.Value.CallTimeout;

    public string DispatcherKey { get; } = dialerInUse.DispatcherKey;

    public int MaxOwedRecords { get; } = archive.Value.MaxOwedRecordsPerSubscriber;

    public SubscriberWriteOptions Writes { get; } = writes.Value;

    /// <summary>The rules over <paramref name="state"/>; its time zones are looked up when a decision first needs them.</summary>
    public SubscriberProfile ProfileOf(SubscriberState state) => new(state, Detection, Policy, Sentiment);
}
