using ChurnActors.Grains.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChurnActors.Grains.Dispatch;

/// <summary>
/// One per Connect instance, so its quotas are never multiplied by silos. Holds no durable state of
/// its own: every engagement it holds is durable in its subscriber's outbox and offered again if this
/// activation is lost, and the subscriber clears each call before it is placed.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed partial class ConnectDispatchGrain(
    IOutboundDialer dialer,
    IOptions<DialerOptions> options,
    TimeProvider time,
    ILogger<ConnectDispatchGrain> logger) : Grain, IConnectDispatchGrain
{
    internal static readonly TimeSpan PumpPeriod = TimeSpan.FromMilliseconds(200);

    private DispatchQueue _queue = null!;
    private long _placed;
    private long _failed;
    private long _timedOut;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _queue = new DispatchQueue(options.Value, time.GetUtcNow());

        // Retries fall due and calls time out with nobody calling in: a timer drives those.
        this.RegisterGrainTimer(PumpAsync, new GrainTimerCreationOptions(PumpPeriod, PumpPeriod) { KeepAlive = true });
        return Task.CompletedTask;
    }

    public async Task OfferAsync(DialRequest request)
    {
        if (_queue.Offer(request))
        {
            await PumpAsync(CancellationToken.None);
        }
    }

    public async Task ReleaseAsync(string engagementId)
    {
        if (_queue.Release(engagementId))
        {
            await PumpAsync(CancellationToken.None);
        }
    }

    public Task<DispatchSnapshot> GetSnapshotAsync() => Task.FromResult(new DispatchSnapshot(
        _queue.Waiting, _queue.InFlight, _placed, _failed, _timedOut, options.Value.Connect.MaxConcurrentCalls));

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _queue.ExpireCalls(now))
        {
            _timedOut++;
            try
            {
                await Subscriber(expired).OnCallEndedAsync(expired.EngagementId, CallEnd.NoAnswer, $"no outcome within {options.Value.CallTimeout}");
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The slot is free either way; the subscriber's outbox closes a placed call nobody reported on.
                LogTimeoutNotDelivered(logger, expired.EngagementId, exception);
            }
        }

        // Every call that may go now is placed concurrently; each one's bookkeeping is synchronous,
        // and the activation runs their continuations one at a time.
        var dials = new List<Task>();
        while (_queue.TakeNext(time.GetUtcNow()) is { } request)
        {
            dials.Add(DialAsync(request, cancellationToken));
        }

        await Task.WhenAll(dials);
    }

    private async Task DialAsync(DialRequest request, CancellationToken cancellationToken)
    {
        var subscriber = Subscriber(request);
        DialClearance clearance;
        try
        {
            clearance = await subscriber.ClearForDialAsync(request.EngagementId);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The subscriber could not answer (a storage fault, a timeout): nothing was dialled, so the
            // slot and token go back; its outbox offers the engagement again.
            _queue.Forget(request.EngagementId);
            LogClearanceFailed(logger, request.EngagementId, exception);
            return;
        }

        if (clearance != DialClearance.Cleared)
        {
            _queue.Forget(request.EngagementId);
            return;
        }

        _queue.Cleared(request.EngagementId);
        DialResult result;
        try
        {
            result = await dialer.PlaceCallAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or TaskCanceledException)
        {
            result = DialResult.Retryable($"network fault: {exception.Message}");
        }

        var now = time.GetUtcNow();
        switch (result.Kind)
        {
            case DialResultKind.Placed:
                _placed++;
                _queue.Placed(request.EngagementId, now);
                LogPlaced(logger, request.EngagementId, Msisdns.Mask(request.Msisdn), result.ContactId!);
                await subscriber.OnCallPlacedAsync(request.EngagementId, result.ContactId!);
                break;
            case DialResultKind.Retryable when !_queue.Retry(request.EngagementId, now):
                LogRetrying(logger, request.EngagementId, _queue.Attempts(request.EngagementId), result.Reason!);
                break;
            default:
                _failed++;
                _queue.Release(request.EngagementId);
                var reason = result.Kind == DialResultKind.Retryable
                    ? $"gave up after {options.Value.MaxAttempts} attempts: {result.Reason}"
                    : result.Reason!;
                LogFailed(logger, request.EngagementId, Msisdns.Mask(request.Msisdn), reason);
                await subscriber.OnCallEndedAsync(request.EngagementId, CallEnd.Failed, reason);
                break;
        }
    }

    private ISubscriberGrain Subscriber(DialRequest request) => GrainFactory.GetGrain<ISubscriberGrain>(request.Msisdn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The timeout of the call for engagement {EngagementId} could not be reported to its subscriber")]
    private static partial void LogTimeoutNotDelivered(ILogger logger, string engagementId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engagement {EngagementId} could not be cleared for dialling; its subscriber will offer it again")]
    private static partial void LogClearanceFailed(ILogger logger, string engagementId, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call for engagement {EngagementId} to {Msisdn} placed as contact {ContactId}")]
    private static partial void LogPlaced(ILogger logger, string engagementId, string msisdn, string contactId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call for engagement {EngagementId} not placed (attempt {Attempt}), will retry: {Reason}")]
    private static partial void LogRetrying(ILogger logger, string engagementId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call for engagement {EngagementId} to {Msisdn} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string engagementId, string msisdn, string reason);
}
