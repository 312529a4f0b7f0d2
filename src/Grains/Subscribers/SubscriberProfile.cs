using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Options;
using ChurnActors.Records;

namespace ChurnActors.Grains.Subscribers;

/// <summary>
/// The rules of one subscriber, applied to its state: counting sessions, deciding engagements,
/// moving them through dispatch, taking feedback. Pure logic over <see cref="SubscriberState"/>:
/// what must happen outside (records, offers, cell updates) is collected in <see cref="ProfileEffects"/>.
/// </summary>
public sealed class SubscriberProfile(
    SubscriberState state,
    DetectionOptions detection,
    ContactPolicy policy,
    SentimentRule sentiment,
    IReadOnlyList<TimeZoneInfo>? zones = null)
{
    /// <summary>The subscriber's time zones: looked up from its number when a decision first needs them, not on activation.</summary>
    private IReadOnlyList<TimeZoneInfo> Zones => zones ??= SubscriberZones.For(state.Msisdn);

    internal const int KeptEngagements = 10;
    internal const int KeptFeedback = 10;
    internal const int KeptSentimentChanges = 20;

    /// <summary>
    /// A cleared engagement not reported placed within this time is offered to the dispatcher again. A
    /// dispatcher that still holds it ignores the offer; a new one (its silo lost) clears it again and
    /// requests it with the same ClientToken, so Connect rings once.
    /// </summary>
    internal static readonly TimeSpan DialingTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long after its call timeout a placed call nobody reported on is closed here (the dispatcher reports first).</summary>
    internal static readonly TimeSpan PlacedGrace = TimeSpan.FromMinutes(2);

    public SubscriberState State => state;

    public bool IsKnown => state.FirstSeen != default;

    /// <summary>Makes the state that of <paramref name="msisdn"/> if it was never seen.</summary>
    public void EnsureCreated(string msisdn, DateTimeOffset now)
    {
        if (IsKnown)
        {
            return;
        }

        state.Msisdn = msisdn;
        state.FirstSeen = now;
        state.Sentiment = sentiment.Start;
        state.SentimentSince = now;
    }

    /// <summary>Counts one probe event and, on a FAIL above threshold, decides.</summary>
    public EventOutcome Record(ProbeEvent probe, DateTimeOffset now, ProfileEffects effects)
    {
        var memory = state.SeenEvents ??= new EventIdMemory();
        if (memory.Contains(probe.EventId))
        {
            return EventOutcome.Duplicate;
        }

        var index = (int)probe.Type;
        var windowLength = detection.WindowFor(probe.Type);
        var expiry = IncidentWindow.ExpiryMinute(probe.Timestamp, windowLength);
        var window = state.Windows[index] ??= new IncidentWindow(windowLength);
        if (memory.IsBeyondRecall(expiry) || !window.Add(probe.Timestamp, probe.Failed, now, windowLength))
        {
            return EventOutcome.OutsideWindow;
        }

        memory.Remember(probe.EventId, expiry, IncidentWindow.UnixMinute(now), detection.RememberedEventIds);
        effects.Changed = true;
        var dimensions = new SessionDimensions(probe.Cell, probe.DeviceTac, probe.Vendor, probe.Timestamp);
        if (state.LastSessions[index] is not { } last || last.At <= probe.Timestamp)
        {
            state.LastSessions[index] = dimensions;
        }

        if (!probe.Failed)
        {
            return EventOutcome.Counted;
        }

        var (ok, fail) = window.Totals(now, windowLength);
        var rate = FailRate.Of(ok, fail, detection.ThresholdFor(probe.Type), detection.MinSamples);
        effects.Add(new IncidentRecord(
            probe.EventId, probe.Timestamp, state.Msisdn, probe.Type, probe.Cell, probe.DeviceTac, probe.Vendor, rate.Rate, rate.Sessions));
        effects.AddCellIncident(state.Msisdn, probe.Cell, probe.Type, probe.Timestamp);

        if (rate.Exceeded)
        {
            Decide(probe, rate, now, effects);
        }

        return EventOutcome.Incident;
    }

    private void Decide(ProbeEvent probe, FailRate rate, DateTimeOffset now, ProfileEffects effects)
    {
        var verdict = policy.Evaluate(state, now, Zones);
        string? engagementId = null;
        if (verdict.Engage)
        {
            var engagement = new Engagement
            {
                Id = EngagementIds.New(state.Msisdn),
                Type = probe.Type,
                Cell = probe.Cell,
                DeviceTac = probe.DeviceTac,
                Vendor = probe.Vendor,
                FailRate = rate.Rate,
                Severity = rate.Severity,
                CreatedAt = now,
                Status = verdict.Status,
                Reason = verdict.Reason,
                DueAt = verdict.DueAt,
                StatusSince = now,
                IncidentEventId = probe.EventId,
            };
            state.Engagements.Add(engagement);
            TrimEngagements(now);
            engagementId = engagement.Id;
            effects.StatusChanged(null, engagement.Status);
            if (engagement.Status == EngagementStatus.Pending)
            {
                effects.Offer(engagement.ToDialRequest(state.Msisdn));
            }
        }
        else
        {
            effects.StatusChanged(null, EngagementStatus.Suppressed);
        }

        effects.Decided(verdict.Class);
        state.Decisions[(int)probe.Type] = new StoredDecision(probe.Type.ToWire(), now, verdict.Engage, verdict.Reason);
        effects.Add(new EngagementRecord(
            engagementId, now, state.Msisdn, probe.Type, probe.Cell, rate.Rate, rate.Severity, verdict.Status, verdict.Reason));
    }

    /// <summary>The dispatcher asks to dial: only an engagement that is still wanted, within calling hours, is cleared.</summary>
    public DialClearance ClearForDial(string engagementId, DateTimeOffset now, ProfileEffects effects)
    {
        var engagement = Find(engagementId);
        if (engagement is null || engagement.Status is not (EngagementStatus.Pending or EngagementStatus.Dialing))
        {
            return DialClearance.Withdrawn;
        }

        if (state.OptOut)
        {
            Move(engagement, EngagementStatus.Cancelled, "subscriber opted out of calls", now, effects);
            return DialClearance.Withdrawn;
        }

        if (!policy.CallingHours.IsOpen(now, Zones))
        {
            var due = policy.CallingHours.NextOpening(now, Zones);
            engagement.DueAt = due;
            Move(engagement, EngagementStatus.Deferred, $"calling hours closed before dialling; due {due:yyyy-MM-ddTHH:mm:ssZ}", now, effects);
            return DialClearance.NotNow;
        }

        engagement.DialAttempts++;
        if (engagement.Status == EngagementStatus.Dialing)
        {
            // Cleared before by a dispatcher that was lost: the same ClientToken keeps Connect from ringing twice.
            engagement.StatusSince = now;
            effects.Changed = true;
        }
        else
        {
            Move(engagement, EngagementStatus.Dialing, "cleared for dialling", now, effects);
        }

        return DialClearance.Cleared;
    }

    public void MarkPlaced(string engagementId, string contactId, DateTimeOffset now, ProfileEffects effects)
    {
        var engagement = Find(engagementId);
        if (engagement is null || !engagement.Status.CanMoveTo(EngagementStatus.Placed))
        {
            return;
        }

        engagement.ContactId = contactId;
        Move(engagement, EngagementStatus.Placed, "call placed", now, effects);
        effects.CallsPlaced++;
    }

    public void MarkEnded(string engagementId, CallEnd end, string reason, DateTimeOffset now, ProfileEffects effects)
    {
        var engagement = Find(engagementId);
        var ended = end == CallEnd.Failed ? EngagementStatus.Failed : EngagementStatus.NoAnswer;
        if (engagement is null || !engagement.Status.CanMoveTo(ended))
        {
            return;
        }

        Move(engagement, ended, reason, now, effects);
    }

    /// <summary>Validates an answer against its engagement and, if it holds, moves sentiment.</summary>
    public FeedbackResult ApplyFeedback(FeedbackReport feedback, DateTimeOffset now, ProfileEffects effects)
    {
        if (!FeedbackReport.IsScore(feedback.Score))
        {
            return new FeedbackResult(FeedbackOutcome.ScoreOutOfRange, $"score {feedback.Score} is outside {FeedbackReport.LowestScore}–{FeedbackReport.HighestScore}", null);
        }

        if (!EngagementIds.BelongsTo(feedback.EngagementId, state.Msisdn))
        {
            return new FeedbackResult(FeedbackOutcome.NumberMismatch, $"engagement {feedback.EngagementId} does not belong to this number", null);
        }

        var engagement = Find(feedback.EngagementId);
        if (engagement is null)
        {
            return new FeedbackResult(FeedbackOutcome.UnknownEngagement, $"engagement {feedback.EngagementId} is not known for this number", null);
        }

        if (engagement.Status == EngagementStatus.Answered)
        {
            return engagement.ContactId == feedback.ContactId && engagement.Score == feedback.Score
                ? new FeedbackResult(FeedbackOutcome.AlreadyRecorded, "this answer was recorded already", state.Sentiment)
                : new FeedbackResult(FeedbackOutcome.AlreadyAnswered, $"engagement {feedback.EngagementId} was answered already", null);
        }

        // A late answer after a timeout is still the subscriber's real answer: the table allows it.
        if (!engagement.Status.CanMoveTo(EngagementStatus.Answered))
        {
            return new FeedbackResult(
                FeedbackOutcome.NotAwaitingFeedback,
                $"engagement {feedback.EngagementId} is {engagement.Status.ToWire()}, not waiting for an answer",
                null);
        }

        Recover(now);
        var before = state.Sentiment;
        var after = sentiment.Apply(before, feedback.Score);
        state.Sentiment = after;
        state.SentimentSince = now;
        engagement.ContactId = feedback.ContactId;
        engagement.Score = feedback.Score;
        Move(engagement, EngagementStatus.Answered, $"answered with score {feedback.Score}", now, effects);
        AddCapped(state.Feedback, new StoredFeedback(engagement.Id, feedback.ContactId, feedback.Score, feedback.AnsweredAt), KeptFeedback);
        AddCapped(state.SentimentHistory, new StoredSentimentChange(engagement.Id, now, before, after, $"score {feedback.Score}"), KeptSentimentChanges);

        effects.FeedbackReceived++;
        effects.Answered(now - engagement.CreatedAt);
        effects.Release(engagement.Id);
        effects.SentimentChanged(engagement.Cell, after - before, now);
        effects.Add(new FeedbackRecord(engagement.Id, feedback.ContactId, feedback.AnsweredAt, state.Msisdn, engagement.Cell, feedback.Score));
        effects.Add(new SentimentRecord(
            engagement.Id, now, state.Msisdn, engagement.Cell, engagement.DeviceTac, engagement.Vendor,
            engagement.Type, feedback.Score, before, after, after - before));
        return new FeedbackResult(FeedbackOutcome.Recorded, "recorded", after);
    }

    /// <summary>The call ended without an answer to the question: the engagement closes and its call slot is freed.</summary>
    public FeedbackResult ApplyNoInput(string contactId, string engagementId, DateTimeOffset now, ProfileEffects effects)
    {
        if (!EngagementIds.BelongsTo(engagementId, state.Msisdn))
        {
            return new FeedbackResult(FeedbackOutcome.NumberMismatch, $"engagement {engagementId} does not belong to this number", null);
        }

        var engagement = Find(engagementId);
        switch (engagement?.Status)
        {
            case null:
                return new FeedbackResult(FeedbackOutcome.UnknownEngagement, $"engagement {engagementId} is not known for this number", null);
            case EngagementStatus.Answered:
                return new FeedbackResult(FeedbackOutcome.AlreadyAnswered, $"engagement {engagementId} was answered already", null);
            case EngagementStatus.NoAnswer when engagement.ContactId == contactId:
                return new FeedbackResult(FeedbackOutcome.AlreadyRecorded, "this outcome was recorded already", state.Sentiment);
            case EngagementStatus.Dialing or EngagementStatus.Placed:
                engagement.ContactId = contactId;
                Move(engagement, EngagementStatus.NoAnswer, "no input from the subscriber", now, effects);
                effects.Release(engagement.Id);
                return new FeedbackResult(FeedbackOutcome.NoInputRecorded, "no input recorded", state.Sentiment);
            default:
                return new FeedbackResult(
                    FeedbackOutcome.NotAwaitingFeedback,
                    $"engagement {engagementId} is {engagement.Status.ToWire()}, not waiting for an answer",
                    null);
        }
    }

    /// <summary>Sets or clears the do-not-call flag; opting out withdraws every engagement not yet dialled.</summary>
    public void SetOptOut(bool optOut, DateTimeOffset now, ProfileEffects effects)
    {
        if (state.OptOut == optOut)
        {
            return;
        }

        state.OptOut = optOut;
        effects.Changed = true;
        if (!optOut)
        {
            return;
        }

        foreach (var engagement in state.Engagements.Where(e => e.Status is EngagementStatus.Deferred or EngagementStatus.Pending).ToList())
        {
            Move(engagement, EngagementStatus.Cancelled, "subscriber opted out of calls", now, effects);
        }
    }

    /// <summary>
    /// The outbox pass, run by the subscriber's reminder: deferred engagements whose hours opened are
    /// offered, pending or stalled ones are offered again (the dispatcher ignores what it already
    /// holds), and a placed call nobody reported on is closed.
    /// </summary>
    public void Sweep(DateTimeOffset now, TimeSpan callTimeout, ProfileEffects effects)
    {
        foreach (var engagement in state.Engagements.Where(e => e.Status.IsOpen()).ToList())
        {
            switch (engagement.Status)
            {
                case EngagementStatus.Deferred when engagement.DueAt <= now && !state.OptOut:
                    Move(engagement, EngagementStatus.Pending, "calling hours open", now, effects);
                    effects.Offer(engagement.ToDialRequest(state.Msisdn));
                    break;
                case EngagementStatus.Pending:
                case EngagementStatus.Dialing when now - engagement.StatusSince > DialingTimeout:
                    effects.Offer(engagement.ToDialRequest(state.Msisdn));
                    break;
                case EngagementStatus.Placed when now - engagement.StatusSince > callTimeout + PlacedGrace:
                    Move(engagement, EngagementStatus.NoAnswer, "no call outcome reported", now, effects);
                    break;
            }
        }
    }

    public bool HasOpenEngagements => state.Engagements.Any(e => e.Status.IsOpen());

    /// <summary>An engagement waits for the dispatcher: offered and not yet placed.</summary>
    public bool AwaitsDispatch => state.Engagements.Any(e => e.Status is EngagementStatus.Pending or EngagementStatus.Dialing);

    /// <summary>When the next deferred engagement falls due, if any.</summary>
    public DateTimeOffset? NextDue => state.Engagements
        .Where(e => e.Status == EngagementStatus.Deferred && e.DueAt is not null)
        .Min(e => e.DueAt);

    /// <summary>Applies sentiment recovery up to <paramref name="now"/>; true if it moved.</summary>
    public bool Recover(DateTimeOffset now)
    {
        var (recovered, since) = sentiment.Recover(state.Sentiment, state.SentimentSince, now);
        if (recovered == state.Sentiment)
        {
            return false;
        }

        AddCapped(state.SentimentHistory, new StoredSentimentChange(null, since, state.Sentiment, recovered, "recovery after a quiet period"), KeptSentimentChanges);
        state.Sentiment = recovered;
        state.SentimentSince = since;
        return true;
    }

    public SubscriberView ToView(DateTimeOffset now)
    {
        var types = new List<IncidentTypeView>(IncidentTypes.All.Length);
        foreach (var type in IncidentTypes.All)
        {
            var window = state.Windows[(int)type];
            var length = detection.WindowFor(type);
            var (ok, fail) = window?.Totals(now, length) ?? (0, 0);
            var rate = FailRate.Of(ok, fail, detection.ThresholdFor(type), detection.MinSamples);
            var last = state.LastSessions[(int)type];
            types.Add(new IncidentTypeView(type.ToWire(), rate.Sessions, rate.Failures, rate.Rate, rate.Threshold, length, last?.Cell, last?.DeviceTac, last?.Vendor));
        }

        var (currentSentiment, _) = sentiment.Recover(state.Sentiment, state.SentimentSince, now);
        var lastCell = state.LastSessions.Where(s => s is not null).MaxBy(s => s!.At)?.Cell;
        return new SubscriberView(
            state.Msisdn,
            types,
            currentSentiment,
            state.OptOut,
            state.Engagements.OrderByDescending(e => e.CreatedAt).Select(e => e.ToView()).ToList(),
            state.Feedback.AsEnumerable().Reverse().Select(f => f.ToView()).ToList(),
            state.SentimentHistory.AsEnumerable().Reverse().Select(c => c.ToView()).ToList(),
            state.Decisions.Where(d => d is not null).Select(d => d!.ToView()).ToList(),
            string.Join(",", Zones.Select(z => z.Id)),
            lastCell);
    }

    private Engagement? Find(string engagementId) => state.Engagements.Find(e => e.Id == engagementId);

    private void Move(Engagement engagement, EngagementStatus status, string reason, DateTimeOffset now, ProfileEffects effects)
    {
        if (!engagement.Status.CanMoveTo(status))
        {
            throw new InvalidOperationException($"An engagement cannot move from {engagement.Status.ToWire()} to {status.ToWire()}.");
        }

        effects.StatusChanged(engagement.Status, status);
        engagement.Status = status;
        engagement.Reason = reason;
        engagement.StatusSince = now;
        effects.Changed = true;
        effects.Add(new EngagementRecord(
            engagement.Id, now, state.Msisdn, engagement.Type, engagement.Cell, engagement.FailRate, engagement.Severity, status, reason));
    }

    private void TrimEngagements(DateTimeOffset now)
    {
        // Open engagements are never dropped, nor closed ones the 30-day cap still counts.
        while (state.Engagements.Count > KeptEngagements)
        {
            var oldest = state.Engagements
                .Where(e => !e.Status.IsOpen() && now - e.CreatedAt >= ContactPolicy.CapPeriod)
                .MinBy(e => e.CreatedAt);
            if (oldest is null)
            {
                return;
            }

            state.Engagements.Remove(oldest);
        }
    }

    private static void AddCapped<T>(List<T> list, T item, int cap)
    {
        list.Add(item);
        if (list.Count > cap)
        {
            list.RemoveRange(0, list.Count - cap);
        }
    }
}

public enum EventOutcome
{
    Counted,
    Incident,
    Duplicate,
    OutsideWindow,
}

/// <summary>What a profile change asks of the world outside the subscriber's state.</summary>
public sealed class ProfileEffects
{
    /// <summary>The state changed and must be written before anything is acknowledged.</summary>
    public bool Changed { get; set; }

    /// <summary>
    /// The change created or moved an engagement, took an answer or a call's outcome: it is written
    /// before the caller is answered whatever the write policy, so nothing is offered, dialled or
    /// acknowledged that a crash could undo. A change that only counted sessions (and at most decided
    /// not to engage) need not be, where the policy allows.
    /// </summary>
    public bool MustBeWritten =>
        Offers.Count > 0 || Released.Count > 0 || FeedbackReceived > 0 || CallsPlaced > 0
        || StatusChanges.Any(s => s.From is not null || s.To != EngagementStatus.Suppressed);

    // Created on first use: most calls only count sessions, and an empty effect should cost nothing.
    private List<ChurnRecord>? _records;
    private List<DialRequest>? _offers;
    private List<string>? _released;
    private List<(EngagementStatus? From, EngagementStatus To)>? _statusChanges;
    private Dictionary<string, CellIncidents>? _cellIncidents;
    private List<(string Cell, int Change, DateTimeOffset At)>? _cellSentiment;

    public IReadOnlyList<ChurnRecord> Records => _records ?? (IReadOnlyList<ChurnRecord>)[];

    public IReadOnlyList<DialRequest> Offers => _offers ?? (IReadOnlyList<DialRequest>)[];

    public IReadOnlyList<string> Released => _released ?? (IReadOnlyList<string>)[];

    public IReadOnlyList<(EngagementStatus? From, EngagementStatus To)> StatusChanges => _statusChanges ?? (IReadOnlyList<(EngagementStatus?, EngagementStatus)>)[];

    public IReadOnlyDictionary<string, CellIncidents> CellIncidents => _cellIncidents ?? NoCellIncidents;

    public IReadOnlyList<(string Cell, int Change, DateTimeOffset At)> CellSentiment => _cellSentiment ?? (IReadOnlyList<(string, int, DateTimeOffset)>)[];

    private static readonly IReadOnlyDictionary<string, CellIncidents> NoCellIncidents = new Dictionary<string, CellIncidents>();

    public void Add(ChurnRecord record) => (_records ??= []).Add(record);

    public void Offer(DialRequest offer) => (_offers ??= []).Add(offer);

    public void Release(string engagementId) => (_released ??= []).Add(engagementId);

    public void StatusChanged(EngagementStatus? from, EngagementStatus to) => (_statusChanges ??= []).Add((from, to));

    public void SentimentChanged(string cell, int change, DateTimeOffset at) => (_cellSentiment ??= []).Add((cell, change, at));

    public int CallsPlaced { get; set; }

    public int FeedbackReceived { get; set; }

    private List<DecisionClass>? _decisions;
    private List<TimeSpan>? _answeredAfter;

    /// <summary>The contact policy's decisions in this change, by class (for metrics).</summary>
    public IReadOnlyList<DecisionClass> Decisions => _decisions ?? (IReadOnlyList<DecisionClass>)[];

    /// <summary>For each answer taken in this change, how long after its decision it came.</summary>
    public IReadOnlyList<TimeSpan> AnsweredAfter => _answeredAfter ?? (IReadOnlyList<TimeSpan>)[];

    public void Decided(DecisionClass decision) => (_decisions ??= []).Add(decision);

    public void Answered(TimeSpan afterDecision) => (_answeredAfter ??= []).Add(afterDecision);

    public void AddCellIncident(string msisdn, string cell, IncidentType type, DateTimeOffset at)
    {
        var incidents = _cellIncidents ??= new(StringComparer.Ordinal);
        var current = incidents.TryGetValue(cell, out var existing) ? existing : new CellIncidents(msisdn, at, 0, 0, 0, 0);
        var counted = type switch
        {
            IncidentType.CallDrop => current with { CallDrop = current.CallDrop + 1 },
            IncidentType.CallQuality => current with { CallQuality = current.CallQuality + 1 },
            IncidentType.LowBitrate => current with { LowBitrate = current.LowBitrate + 1 },
            _ => current with { VideoStalling = current.VideoStalling + 1 },
        };
        incidents[cell] = at > current.At ? counted with { At = at } : counted;
    }
}
