using System.Collections.Immutable;
using System.Diagnostics;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Stats;
using ChurnActors.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Streams;
using Orleans.Streams.Core;

namespace ChurnActors.Grains.Subscribers;

/// <summary>
/// One subscriber, keyed by E.164 msisdn. Every change to its state is decided in its own turn.
/// <para>
/// Write policy: a call that changes the state writes it once, at the end of the call, before it
/// returns — so whatever the caller is told (a batch accepted, an answer recorded, an opt-out set,
/// a call cleared) is already durable, and an engagement is durable before it is offered, archived
/// or dialled (the outbox; the reminder re-offers what dispatch may have lost). A batch of events
/// costs one write however many events of this subscriber it holds; a call that changes nothing
/// (duplicates only, reads) writes nothing. If the write fails the call fails and the activation is
/// dropped, so the sender's retry is counted from what storage holds. Two exceptions, where the
/// source itself is as durable as a write (<see cref="SubscriberWriteOptions"/>): counting changes
/// from the probe stream are written before the shard's checkpoint passes them (and read again after
/// a crash), and on one silo with its state in the process, when the activation leaves.
/// </para>
/// </summary>
// Spread evenly over the silos whichever silo ingested the event: the default placement prefers the
// caller's silo, which would put every subscriber of a batch where the batch arrived.
// Probe events from a stream (Kinesis) arrive by implicit subscription to the subscriber's own stream.
[Orleans.Placement.RandomPlacement]
[ImplicitStreamSubscription(ProbeStreams.Namespace)]
public sealed partial class SubscriberGrain(
    [PersistentState("subscriber", SubscriberGrain.StorageName)] IPersistentState<SubscriberState> store,
    SubscriberRules rules,
    ChurnCounters counters,
    IRecordPublisher records,
    GrainReferences references,
    UnwrittenSubscribers unwrittenSubscribers,
    TimeProvider time,
    ILogger<SubscriberGrain> logger) : Grain, ISubscriberGrain, IRemindable, IStreamSubscriptionObserver, IAsyncObserver<ImmutableArray<ProbeEvent>>
{
    public const string StorageName = "subscribers";
    internal const string OutboxReminder = "engagement-outbox";
    internal static readonly TimeSpan OutboxPeriod = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The reminder's period while an engagement waits for the dispatcher (pending, or cleared and
    /// not yet reported placed). The dispatcher writes what it holds at most every 2 s; an offer it
    /// took just before its silo was lost is offered again by the next tick, so every waiting
    /// engagement is back in the queue within about 30 s of any crash (docs/design.md §4).
    /// </summary>
    public static readonly TimeSpan AwaitingDispatchPeriod = TimeSpan.FromSeconds(15);

    private SubscriberProfile _profile = null!;
    private RecordOutbox _outbox;

    /// <summary>The outbox reminder's period as registered (zero: none); null until known, so the reminder table is asked once at most.</summary>
    private TimeSpan? _outboxReminderPeriod;

    /// <summary>Changes made in memory, and how many of them the last completed write held (see <see cref="SubscriberWriteOptions"/>).</summary>
    private long _changes, _writtenChanges;

    /// <summary>
    /// How often an activation retries what failed after a write (an offer the dispatcher did not take,
    /// a reminder the reminder table did not), while it cannot count on the reminder to do it.
    /// </summary>
    internal static readonly TimeSpan SettleRetryPeriod = TimeSpan.FromSeconds(5);

    /// <summary>How long a change waits for the reminder table before it goes on without it (see <see cref="TryKeepOutboxReminderAsync"/>).</summary>
    internal static readonly TimeSpan ReminderTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The reminder being kept, while the reminder table has not answered.</summary>
    private Task? _reminderKeeping;

    /// <summary>Retries unsettled after-write work (see <see cref="SettleRetryPeriod"/>); null while all is settled.</summary>
    private IGrainTimer? _settleTimer;

    /// <summary>Something after a write failed since the settle timer last ran.</summary>
    private bool _unsettled;

    /// <summary>This subscriber is registered with <see cref="UnwrittenSubscribers"/> as owing a write.</summary>
    private bool _registeredUnwritten;

    /// <summary>A call is between its write and the end of what it does after (see <see cref="EnterAfterWriteAsync"/>), and how many wait for it.</summary>
    private bool _afterWriteBusy;
    private int _afterWriteWaiting;
    private SemaphoreSlim? _afterWriteQueue;

    private bool Unwritten => _changes != _writtenChanges;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // A number never seen has no stored state yet; its rules still need to know whose they are.
        if (store.State.Msisdn.Length == 0)
        {
            store.State.Msisdn = this.GetPrimaryKeyString();
        }

        _profile = rules.ProfileOf(store.State);
        _outbox = new RecordOutbox(store.State.UnpublishedRecords, rules.MaxOwedRecords);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (Unwritten)
        {
            try
            {
                await store.WriteStateAsync(cancellationToken);
                _writtenChanges = _changes;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Counted from the probe stream, it is read again from the last checkpoint (see UnwrittenSubscribers).
                unwrittenSubscribers.Lost(this.GetPrimaryKeyString());
                LogUnwrittenLost(logger, Msisdns.Mask(store.State.Msisdn), exception);
            }
        }
    }

    public Task<IngestResult> RecordEventsAsync(ImmutableArray<ProbeEvent> events) => RecordAsync(events, rules.Writes.IngestedEventsWrittenBehind);

    private async Task<IngestResult> RecordAsync(ImmutableArray<ProbeEvent> events, bool writeBehind)
    {
        var result = await ChangeAsync(writeBehind, (now, effects) =>
        {
            _profile.EnsureCreated(this.GetPrimaryKeyString(), now);
            int counted = 0, duplicates = 0, outside = 0, incidents = 0;
            foreach (var probe in events)
            {
                switch (_profile.Record(probe, now, effects))
                {
                    case EventOutcome.Duplicate:
                        duplicates++;
                        break;
                    case EventOutcome.OutsideWindow:
                        outside++;
                        break;
                    case EventOutcome.Incident:
                        incidents++;
                        counted++;
                        break;
                    default:
                        counted++;
                        break;
                }
            }

            return new IngestResult(counted, duplicates, outside, incidents);
        });
        counters.EventsDuplicate(result.Duplicates);
        return result;
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<ImmutableArray<ProbeEvent>>().ResumeAsync(this);

    /// <summary>
    /// The events of one read of the probe stream. Returning means they are counted; what only counts
    /// may be written behind (<see cref="SubscriberWriteOptions.StreamedEventsWrittenBehind"/>): the
    /// shard's checkpoint waits until it is written, and a replay after a crash is absorbed by event id.
    /// </summary>
    public async Task OnNextAsync(ImmutableArray<ProbeEvent> item, StreamSequenceToken? token = null) =>
        await RecordAsync(item, rules.Writes.StreamedEventsWrittenBehind);

    public async Task FlushAsync()
    {
        if (Unwritten)
        {
            await WriteAsync();
        }
        else
        {
            _registeredUnwritten = false;
            unwrittenSubscribers.Written(this.GetPrimaryKeyString());
        }
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    // For a number never seen the profile refuses the answer, saying why, before it changes anything:
    // nothing to write, and no state made for a number nobody engaged.
    public Task<FeedbackResult> RecordFeedbackAsync(FeedbackReport feedback) =>
        _profile.IsKnown
            ? ChangeAsync((now, effects) => _profile.ApplyFeedback(feedback, now, effects))
            : Task.FromResult(_profile.ApplyFeedback(feedback, time.GetUtcNow(), new ProfileEffects()));

    public Task<FeedbackResult> RecordNoInputAsync(string contactId, string engagementId) =>
        _profile.IsKnown
            ? ChangeAsync((now, effects) => _profile.ApplyNoInput(contactId, engagementId, now, effects))
            : Task.FromResult(_profile.ApplyNoInput(contactId, engagementId, time.GetUtcNow(), new ProfileEffects()));

    public Task<SubscriberView?> GetViewAsync() =>
        Task.FromResult(_profile.IsKnown ? _profile.ToView(time.GetUtcNow()) : null);

    public Task SetOptOutAsync(bool optOut) => ChangeAsync((now, effects) =>
    {
        if (!_profile.IsKnown)
        {
            _profile.EnsureCreated(this.GetPrimaryKeyString(), now);
            effects.Changed = true;
        }

        _profile.SetOptOut(optOut, now, effects);
        return true;
    });

    public Task<DialClearance> ClearForDialAsync(string engagementId) =>
        ChangeAsync((now, effects) => _profile.ClearForDial(engagementId, now, effects));

    public Task OnCallPlacedAsync(string engagementId, string contactId) => ChangeAsync((now, effects) =>
    {
        _profile.MarkPlaced(engagementId, contactId, now, effects);
        return true;
    });

    public Task OnCallEndedAsync(string engagementId, CallEnd end, string reason) => ChangeAsync((now, effects) =>
    {
        _profile.MarkEnded(engagementId, end, reason, now, effects);
        return true;
    });

    public Task ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName != OutboxReminder
            ? Task.CompletedTask
            : SweepAsync();

    /// <summary>Offers again what waits for the dispatcher, moves what fell due or timed out, and keeps the reminder.</summary>
    private Task SweepAsync() => ChangeAsync((now, effects) =>
    {
        _profile.Sweep(now, rules.CallTimeout, effects);
        return true;
    });

    /// <summary>
    /// Applies one change to the profile and makes it durable. If anything fails on the way, the
    /// activation is dropped: its state in memory may be ahead of what was written, and a retry must
    /// start from storage, not from a change nobody acknowledged.
    /// </summary>
    private Task<T> ChangeAsync<T>(Func<DateTimeOffset, ProfileEffects, T> change) => ChangeAsync(writeBehind: false, change);

    /// <param name="writeBehind">A change that only counts sessions may be left unwritten (see <see cref="SubscriberWriteOptions"/>); any other is written before this returns.</param>
    private async Task<T> ChangeAsync<T>(bool writeBehind, Func<DateTimeOffset, ProfileEffects, T> change)
    {
        // A subscriber owing many records to the lake sends them before taking anything new; if they
        // cannot go, the caller is refused now, with nothing changed, and tries again later.
        if (_outbox.IsFull)
        {
            await EnterAfterWriteAsync();
            try
            {
                if (await SendRecordsAsync([]) is { } failure)
                {
                    throw new RecordsPendingException(
                        $"{_outbox.Count} records of subscriber {Msisdns.Mask(store.State.Msisdn)} could not be sent to the data lake yet; nothing was changed, try again later.",
                        failure);
                }
            }
            finally
            {
                ExitAfterWrite();
            }
        }

        var now = time.GetUtcNow();
        var effects = new ProfileEffects();
        try
        {
            var result = change(now, effects);
            await ApplyAsync(effects, now, writeBehind && !effects.MustBeWritten);
            return result;
        }
        catch
        {
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// Makes a change durable, then acts on it: the state is written first, so an engagement is never
    /// offered, archived or acknowledged before it would survive a crash.
    /// <para>
    /// Group commit: batches of events interleave (<see cref="ISubscriberGrain.RecordEventsAsync"/>),
    /// so while one write is in flight the calls arriving meanwhile make their changes, each in its
    /// own turn, and Orleans' state bridge gives them all one write, queued behind the one in flight.
    /// Each call still returns only after a write that holds its change.
    /// </para>
    /// </summary>
    private async Task ApplyAsync(ProfileEffects effects, DateTimeOffset now, bool writeBehind)
    {
        if (_profile.Recover(now))
        {
            effects.Changed = true;
        }

        if (effects.Changed)
        {
            _changes++;
        }

        if (effects.Offers.Count > 0 && _outboxReminderPeriod != AwaitingDispatchPeriod)
        {
            // The reminder before the write: from the moment an engagement is durable, something must
            // offer it again if this offer, this silo or the dispatcher's is lost on the way.
            await EnterAfterWriteAsync();
            try
            {
                await TryKeepOutboxReminderAsync();
            }
            finally
            {
                ExitAfterWrite();
            }
        }

        if (effects.Changed && writeBehind)
        {
            if (rules.Writes.StreamedEventsWrittenBehind && !_registeredUnwritten)
            {
                _registeredUnwritten = true;
                unwrittenSubscribers.Unwritten(this.GetPrimaryKeyString());
            }
        }
        else if (Unwritten)
        {
            await WriteAsync();
        }

        await EnterAfterWriteAsync();
        try
        {
            await AfterWriteAsync(effects);
        }
        finally
        {
            ExitAfterWrite();
        }
    }

    /// <summary>What a change does once it is durable: counters, dispatch, cells, the lake, the reminder.</summary>
    private async Task AfterWriteAsync(ProfileEffects effects)
    {
        foreach (var (from, to) in effects.StatusChanges)
        {
            counters.EngagementMoved(from, to);
        }

        counters.CallsPlaced(effects.CallsPlaced);
        counters.FeedbackReceived(effects.FeedbackReceived);
        if (effects.Decisions.Count > 0)
        {
            foreach (var decision in effects.Decisions)
            {
                counters.Decided(decision);
            }
        }

        if (effects.AnsweredAfter.Count > 0)
        {
            foreach (var after in effects.AnsweredAfter)
            {
                counters.Answered(after);
            }
        }

        if (effects.Offers.Count > 0 || effects.Released.Count > 0)
        {
            var dispatcher = GrainFactory.GetGrain<IDispatchGrain>(rules.DispatcherKey);
            foreach (var offer in effects.Offers)
            {
                LogOffered(logger, offer.EngagementId, Msisdns.Mask(offer.Msisdn), offer.Type.ToWire(), offer.Severity);
                try
                {
                    // The trace this engagement was decided in goes with it to the dial, which the
                    // dispatcher may start long after this call (README, Observability).
                    await dispatcher.OfferAsync(Activity.Current is { } decided ? offer with { TraceParent = decided.Id } : offer);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    // The engagement is durable and stays pending: the reminder, or until it is registered
                    // the settle timer, offers it again. The change that made it is not undone for this.
                    LogOfferFailed(logger, offer.EngagementId, Msisdns.Mask(offer.Msisdn), exception);
                    Unsettled();
                }
            }

            foreach (var released in effects.Released)
            {
                await dispatcher.ReleaseAsync(released);
            }
        }

        // Guarded: enumerating an empty dictionary through its interface still allocates an enumerator.
        if (effects.CellIncidents.Count > 0)
        {
            foreach (var (cell, incidents) in effects.CellIncidents)
            {
                await references.Cell(cell).RecordIncidentsAsync(incidents);
            }
        }

        foreach (var (cell, change, at) in effects.CellSentiment)
        {
            await references.Cell(cell).RecordSentimentAsync(store.State.Msisdn, change, at);
        }

        if (await SendRecordsAsync(effects.Records) is { } failure)
        {
            // The change is written and acknowledged; the records the stream did not take are kept
            // with it and sent later (with the next change, or by the outbox reminder).
            LogRecordsKept(logger, _outbox.Count, Msisdns.Mask(store.State.Msisdn), failure);
        }

        await TryKeepOutboxReminderAsync();
    }

    /// <summary>
    /// Keeps the reminder as <see cref="KeepOutboxReminderAsync"/> does, waiting for the reminder table
    /// at most <see cref="ReminderTimeout"/>: a call (a dispatcher's clearance, a batch of events) is
    /// never held up by a reminder table that is down. What did not finish is left to finish on its
    /// own, one at a time, and the settle timer keeps the reminder again after it.
    /// </summary>
    private async Task TryKeepOutboxReminderAsync()
    {
        if (_reminderKeeping is { IsCompleted: false })
        {
            Unsettled();
            return;
        }

        _reminderKeeping = KeepOutboxReminderCaughtAsync();
        try
        {
            await _reminderKeeping.WaitAsync(ReminderTimeout);
        }
        catch (TimeoutException)
        {
            Unsettled();
        }
    }

    private async Task KeepOutboxReminderCaughtAsync()
    {
        try
        {
            await KeepOutboxReminderAsync();
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogReminderFailed(logger, Msisdns.Mask(store.State.Msisdn), exception);
            Unsettled();
        }
    }

    /// <summary>
    /// Something after a durable change failed: every <see cref="SettleRetryPeriod"/> the activation
    /// sweeps (offering again what waits for the dispatcher) and keeps the reminder, until a round
    /// passes with nothing failing. The timer keeps the activation alive meanwhile.
    /// </summary>
    private void Unsettled()
    {
        _unsettled = true;
        _settleTimer ??= this.RegisterGrainTimer(SettleAsync, new GrainTimerCreationOptions(SettleRetryPeriod, SettleRetryPeriod) { KeepAlive = true });
    }

    private async Task SettleAsync(CancellationToken cancellation)
    {
        _unsettled = false;
        await SweepAsync();
        if (!_unsettled)
        {
            _settleTimer?.Dispose();
            _settleTimer = null;
        }
    }

    /// <summary>
    /// Publishes what the subscriber owes the lake and then <paramref name="fresh"/>; the outbox keeps
    /// what the stream did not take, and the state is written when that changed what is owed. Returns
    /// why the stream refused, or null when it took everything. Runs after a write (one call at a time):
    /// the owed list changes only once the stream has answered, so a write an interleaved call makes
    /// meanwhile never stores as owed what is being sent, nor forgets it.
    /// </summary>
    private async Task<Exception?> SendRecordsAsync(IReadOnlyList<ChurnRecord> fresh)
    {
        var sending = _outbox.ToSend(fresh);
        if (sending.Length == 0)
        {
            return null;
        }

        Exception? failure = null;
        var published = sending.Length;
        try
        {
            await records.PublishAsync(store.State.Msisdn, new RecordBatch(sending));
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            failure = exception;
            published = exception is RecordsNotPublishedException partly ? partly.Published : 0;
        }

        if (_outbox.Settle(sending, published))
        {
            await WriteAsync();
        }

        return failure;
    }

    /// <summary>
    /// Writes the state. Orleans serializes it once this write's turn comes (after any write in flight),
    /// so it holds at least every change made before this call; a change made meanwhile by an
    /// interleaved call stays owed until a write of its own.
    /// </summary>
    private async Task WriteAsync()
    {
        var covered = _changes;
        await store.WriteStateAsync();
        _writtenChanges = Math.Max(_writtenChanges, covered);
        if (_registeredUnwritten && !Unwritten)
        {
            _registeredUnwritten = false;
            unwrittenSubscribers.Written(this.GetPrimaryKeyString());
        }
    }

    /// <summary>
    /// What calls do after their write runs one call at a time: an interleaved batch of events may start
    /// while another call awaits, and the records owed to the lake, the offers and the reminder must not
    /// be worked on by two at once. Uncontended (nearly always) it costs a flag; the queue is made on
    /// first contention. Everything here runs on the activation's one scheduler, so the flags need no lock.
    /// </summary>
    private async ValueTask EnterAfterWriteAsync()
    {
        if (!_afterWriteBusy)
        {
            _afterWriteBusy = true;
            return;
        }

        _afterWriteQueue ??= new SemaphoreSlim(0);
        _afterWriteWaiting++;
        await _afterWriteQueue.WaitAsync();
    }

    /// <summary>Hands the turn after a write to the next waiting call, if any.</summary>
    private void ExitAfterWrite()
    {
        if (_afterWriteWaiting > 0)
        {
            _afterWriteWaiting--;
            _afterWriteQueue!.Release();
        }
        else
        {
            _afterWriteBusy = false;
        }
    }

    /// <summary>
    /// The reminder runs while any engagement is open or records are owed to the lake, and only then:
    /// every <see cref="AwaitingDispatchPeriod"/> while an engagement waits for the dispatcher, every
    /// <see cref="OutboxPeriod"/> otherwise.
    /// </summary>
    private async Task KeepOutboxReminderAsync()
    {
        var period = _profile.AwaitsDispatch ? AwaitingDispatchPeriod
            : _profile.HasOpenEngagements || _outbox.Count > 0 ? OutboxPeriod
            : TimeSpan.Zero;
        if (_outboxReminderPeriod is null && period == TimeSpan.Zero && store.State.Engagements.Count == 0)
        {
            // A subscriber never engaged never had a reminder: no need to ask the reminder table.
            _outboxReminderPeriod = TimeSpan.Zero;
        }

        if (_outboxReminderPeriod == period)
        {
            return;
        }

        if (period != TimeSpan.Zero)
        {
            await this.RegisterOrUpdateReminder(OutboxReminder, period, period);
        }
        else if (await this.GetReminder(OutboxReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        _outboxReminderPeriod = period;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The last counted sessions of {Msisdn} could not be written as it deactivated; they are lost")]
    private static partial void LogUnwrittenLost(ILogger logger, string msisdn, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} records of {Msisdn} could not be published; they are kept with its state and sent later")]
    private static partial void LogRecordsKept(ILogger logger, int count, string msisdn, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Engagement {EngagementId} for {Msisdn} could not be offered to dispatch; it stays pending and is offered again")]
    private static partial void LogOfferFailed(ILogger logger, string engagementId, string msisdn, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox reminder of {Msisdn} could not be kept; tried again every few seconds")]
    private static partial void LogReminderFailed(ILogger logger, string msisdn, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Engagement {EngagementId} for {Msisdn} offered to dispatch ({Type}, severity {Severity:F3})")]
    private static partial void LogOffered(ILogger logger, string engagementId, string msisdn, string type, double severity);
}

/// <summary>A subscriber still owes records to the data lake and takes no new change until they are sent.</summary>
public sealed class RecordsPendingException(string message, Exception innerException) : Exception(message, innerException);
