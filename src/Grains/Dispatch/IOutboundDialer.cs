namespace ChurnActors.Grains.Dispatch;

/// <summary>Places one outbound call (Amazon Connect, or the simulated dialer).</summary>
public interface IOutboundDialer
{
    /// <summary>
    /// The key of the dispatcher grain that paces this dialer's calls: one per contact-centre
    /// instance (a Connect instance id), whose quotas it keeps for the whole cluster.
    /// </summary>
    string DispatcherKey { get; }

    /// <summary>
    /// Places the call for <paramref name="request"/>. Implementations must be idempotent on the
    /// engagement id (Connect's <c>ClientToken</c>): asking twice never rings the subscriber twice.
    /// </summary>
    Task<DialResult> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken);
}

public enum DialResultKind
{
    Placed,

    /// <summary>Throttled, 5xx or a network fault: try again later.</summary>
    Retryable,

    /// <summary>Will never succeed (destination not allowed, bad request): give up with the reason.</summary>
    Terminal,
}

public sealed record DialResult(DialResultKind Kind, string? ContactId, string? Reason)
{
    public static DialResult Placed(string contactId) => new(DialResultKind.Placed, contactId, null);

    public static DialResult Retryable(string reason) => new(DialResultKind.Retryable, null, reason);

    public static DialResult Terminal(string reason) => new(DialResultKind.Terminal, null, reason);
}
