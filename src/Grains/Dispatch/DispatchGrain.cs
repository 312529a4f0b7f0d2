using System.Diagnostics;
using ChurnActors.Grains.Options;
using ChurnActors.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChurnActors.Grains.Dispatch;

/// <summary>
/// One per contact-centre instance, so its quotas are never multiplied by silos. Every engagement it
/// holds is durable in its subscriber's outbox (offered again by the subscriber's reminder), and the
/// subscriber clears each call before it is placed. So that a new activation, after this one's silo
/// is lost, takes the queue up within seconds instead of a reminder period, it also keeps what it
/// holds in state of its own (<see cref="DispatchState"/>): written behind, at most once every
/// <see cref="WriteEvery"/>, with everything that changed since the last write. An offer lost with
/// the silo before its write is still offered again by its subscriber's outbox reminder.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed partial class DispatchGrain(
    [PersistentState("dispatch", DispatchGrain.StorageName)] IPersistentState<DispatchState> store,
    IOutboundDialer dialer,
    IOptions<DialerOptions> options,
    GrainReferences references,
    ChurnMetrics metrics,
    TimeProvider time,
    ILogger<DispatchGrain> logger) : Grain, IDispatchGrain
{
    public const string StorageName = "dispatch";

    /// <summary>Engagements kept in the state at most (about 150 bytes each, far below an item's 400 KB); more are held in memory only, and their subscribers' outboxes cover them.</summary>
    internal const int MostKept = 2_000;

    internal static readonly TimeSpan PumpPeriod = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Least time between two writes of the state. The item holds the whole queue (a few hundred
    /// engagements wait at Connect's 2 calls a second: tens of KB, tens of write units); written every
    /// pump it cost more than the subscribers' own writes. An offer younger than this at a crash is
    /// offered again by its subscriber's outbox reminder.
    /// </summary>
    internal static readonly TimeSpan WriteEvery = TimeSpan.FromSeconds(2);

    private DispatchQueue _queue = null!;
    private bool _unwritten;
    private bool _writing;
    private bool _writeFailing;
    private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;
    private long _placed;
    private long _failed;
    private long _timedOut;
    private long _rateLimitedReported;

    private static readonly KeyValuePair<string, object?> ResultPlaced = new("churn.result", "placed");
    private static readonly KeyValuePair<string, object?> ResultRetryable = new("churn.result", "retryable");
    private static readonly KeyValuePair<string, object?> ResultFailed = new("churn.result", "failed");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _queue = new DispatchQueue(options.Value, time.GetUtcNow());

        // What a lost activation held: placed calls keep their slots, the rest wait their turn again.
        // One that was being dialled is cleared again and requested with the same ClientToken: one call.
        var state = store.State;
        foreach (var (engagementId, request) in state.Open)
        {
            _ = state.PlacedAt.TryGetValue(engagementId, out var placedAt) ? _queue.RestorePlaced(request, placedAt) : _queue.Offer(request);
        }

        if (state.Open.Count > 0)
        {
            LogTakenUp(logger, state.Open.Count, state.PlacedAt.Count);
        }

        // Retries fall due and calls time out with nobody calling in: a timer drives those.
        this.RegisterGrainTimer(PumpAsync, new GrainTimerCreationOptions(PumpPeriod, PumpPeriod) { KeepAlive = true });
        StartDials();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Dispatch.Clear();
        return Task.CompletedTask;
    }

    public Task OfferAsync(DialRequest request)
    {
        if (_queue.Offer(request))
        {
            if (store.State.Open.Count < MostKept)
            {
                store.State.Open[request.EngagementId] = request;
                Persist();
            }

            StartDials();
        }

        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string engagementId)
    {
        var heldSlot = _queue.Release(engagementId);
        ForgetKept(engagementId);
        if (heldSlot)
        {
            StartDials();
        }

        return Task.CompletedTask;
    }

    public Task<DispatchSnapshot> GetSnapshotAsync() => Task.FromResult(new DispatchSnapshot(
        _queue.Waiting, _queue.InFlight, _placed, _failed, _timedOut, options.Value.Quotas.MaxConcurrentCalls));

    private Task PumpAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var expired in _queue.ExpireCalls(now))
        {
            _timedOut++;
            ForgetKept(expired.EngagementId);
            _ = ReportTimeoutAsync(expired);
        }

        // What changed since the last write goes in one write, at most one every WriteEvery: the state's
        // cost stays the same however many engagements are offered, placed and closed in between.
        if (_unwritten && !_writing && now - _lastWrite >= WriteEvery)
        {
            _lastWrite = now;
            _ = WriteAsync();
        }

        StartDials();
        metrics.Dispatch.Set(_queue.Waiting, _queue.InFlight, _queue.OldestWait(now));
        return Task.CompletedTask;
    }

    /// <summary>An engagement this dispatcher no longer holds leaves its state.</summary>
    private void ForgetKept(string engagementId)
    {
        if (store.State.Open.Remove(engagementId) | store.State.PlacedAt.Remove(engagementId))
        {
            Persist();
        }
    }

    /// <summary>The state changed: a pump writes it soon (one write in flight; changes made meanwhile go in the next).</summary>
    private void Persist() => _unwritten = true;

    private async Task WriteAsync()
    {
        _writing = true;
        try
        {
            _unwritten = false;
            await store.WriteStateAsync();
            _writeFailing = false;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Kept in memory and written again on the next pump; the subscribers' outboxes cover the gap.
            // Said once per outage, not on every try.
            _unwritten = true;
            if (!_writeFailing)
            {
                _writeFailing = true;
                LogWriteFailed(logger, exception);
            }
        }
        finally
        {
            _writing = false;
        }
    }

    /// <summary>
    /// Starts every call that may go now and returns at once: each call's clearance, dial request and
    /// report run on their own, their bookkeeping in this activation's turns one at a time, so an offer
    /// never waits for another call's round trips.
    /// </summary>
    private void StartDials()
    {
        while (_queue.TakeNext(time.GetUtcNow()) is { } request)
        {
            _ = DialAsync(request, CancellationToken.None);
        }

        if (_queue.RateLimited != _rateLimitedReported)
        {
            metrics.RateLimitWaits.Add(_queue.RateLimited - _rateLimitedReported);
            _rateLimitedReported = _queue.RateLimited;
        }
    }

    private async Task ReportTimeoutAsync(DialRequest expired)
    {
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
            metrics.DialNotCleared.Add(1);
            // The subscriber could not answer (a storage fault, a timeout): nothing was dialled, so the
            // slot and token go back; its outbox offers the engagement again.
            _queue.Forget(request.EngagementId);
            ForgetKept(request.EngagementId);
            LogClearanceFailed(logger, request.EngagementId, exception);
            StartDials();
            return;
        }

        if (clearance != DialClearance.Cleared)
        {
            metrics.DialNotCleared.Add(1);
            _queue.Forget(request.EngagementId);
            ForgetKept(request.EngagementId);
            StartDials();
            return;
        }

        _queue.Cleared(request.EngagementId);
        if (_queue.Attempts(request.EngagementId) == 1)
        {
            metrics.IncidentToDial.Record((time.GetUtcNow() - request.DecidedAt).TotalSeconds);
        }

        // The dial joins the trace its engagement was decided in, however long it waited.
        using var span = ChurnMetrics.Tracing.StartActivity("churn.dial", ActivityKind.Client, request.TraceParent);
        span?.SetTag("churn.incident_type", request.Type.ToWire());
        DialResult result;
        try
        {
            result = await dialer.PlaceCallAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or TaskCanceledException)
        {
            result = DialResult.Retryable($"network fault: {exception.Message}");
        }

        var resultTag = result.Kind switch
        {
            DialResultKind.Placed => ResultPlaced,
            DialResultKind.Retryable => ResultRetryable,
            _ => ResultFailed,
        };
        metrics.DialAttempts.Add(1, resultTag);
        span?.SetTag(resultTag.Key, resultTag.Value);
        var now = time.GetUtcNow();
        switch (result.Kind)
        {
            case DialResultKind.Placed:
                _placed++;
                _queue.Placed(request.EngagementId, now);
                if (store.State.Open.ContainsKey(request.EngagementId))
                {
                    store.State.PlacedAt[request.EngagementId] = now;
                    Persist();
                }

                LogPlaced(logger, request.EngagementId, Msisdns.Mask(request.Msisdn), result.ContactId!);
                await ReportAsync(request, () => subscriber.OnCallPlacedAsync(request.EngagementId, result.ContactId!));
                break;
            case DialResultKind.Retryable when _queue.TryScheduleRetry(request.EngagementId, now):
                LogRetrying(logger, request.EngagementId, _queue.Attempts(request.EngagementId), result.Reason!);
                break;
            default:
                _failed++;
                _queue.Release(request.EngagementId);
                ForgetKept(request.EngagementId);
                var reason = result.Kind == DialResultKind.Retryable
                    ? $"gave up after {options.Value.MaxAttempts} attempts: {result.Reason}"
                    : result.Reason!;
                LogFailed(logger, request.EngagementId, Msisdns.Mask(request.Msisdn), reason);
                await ReportAsync(request, () => subscriber.OnCallEndedAsync(request.EngagementId, CallEnd.Failed, reason));
                break;
        }

        // A slot freed by a retry's backoff or a failure lets the next waiting call go.
        StartDials();
    }

    /// <summary>Tells the subscriber how its call went; if it cannot be told now, its outbox settles the engagement later.</summary>
    private async Task ReportAsync(DialRequest request, Func<Task> report)
    {
        try
        {
            await report();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogReportFailed(logger, request.EngagementId, exception);
        }
    }

    private ISubscriberGrain Subscriber(DialRequest request) => references.Subscriber(request.Msisdn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dispatcher took up {Open} engagements a lost activation held ({Placed} of them placed calls)")]
    private static partial void LogTakenUp(ILogger logger, int open, int placed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dispatcher's state could not be written; it is kept in memory and written again shortly")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "How the call for engagement {EngagementId} went could not be reported to its subscriber; its outbox settles it")]
    private static partial void LogReportFailed(ILogger logger, string engagementId, Exception exception);

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
