using ChurnActors.Grains.Options;
using ChurnActors.Grains.Subscribers;

namespace ChurnActors.Grains.Rules;

/// <summary>The verdict on an exceeded threshold: call now, call when the hours open, or not at all — always with a reason.</summary>
public sealed record PolicyVerdict(bool Engage, EngagementStatus Status, string Reason, DateTimeOffset? DueAt, DecisionClass Class);

/// <summary>A verdict's reason as a class, for metrics (the reason itself names engagements and times).</summary>
public enum DecisionClass
{
    WithinCallingHours,
    OutsideCallingHours,
    OptedOut,
    InFlight,
    Cooldown,
    Cap,
}

public static class DecisionClasses
{
    public static string ToWire(this DecisionClass decision) => decision switch
    {
        DecisionClass.WithinCallingHours => "within_calling_hours",
        DecisionClass.OutsideCallingHours => "outside_calling_hours",
        DecisionClass.OptedOut => "opted_out",
        DecisionClass.InFlight => "in_flight",
        DecisionClass.Cooldown => "cooldown",
        _ => "cap_reached",
    };

    /// <summary>engaged (called now), deferred (called when the hours open) or suppressed.</summary>
    public static string Outcome(this DecisionClass decision) => decision switch
    {
        DecisionClass.WithinCallingHours => "engaged",
        DecisionClass.OutsideCallingHours => "deferred",
        _ => "suppressed",
    };
}

/// <summary>Whether the operator may engage a subscriber whose threshold was exceeded (docs/design.md §3).</summary>
public sealed class ContactPolicy(ContactPolicyOptions options)
{
    internal static readonly TimeSpan CapPeriod = TimeSpan.FromDays(30);

    public CallingHours CallingHours { get; } = new(options.CallingHours);

    public PolicyVerdict Evaluate(SubscriberState state, DateTimeOffset now, IReadOnlyList<TimeZoneInfo> zones)
    {
        if (state.OptOut)
        {
            return Suppress("subscriber opted out of calls", DecisionClass.OptedOut);
        }

        var counted = state.Engagements.Where(e => e.Status != EngagementStatus.Cancelled).ToList();
        var open = counted.FirstOrDefault(e => e.Status.IsOpen());
        if (open is not null)
        {
            return Suppress($"engagement {open.Id} is still in flight", DecisionClass.InFlight);
        }

        var last = counted.MaxBy(e => e.CreatedAt);
        if (last is not null && now - last.CreatedAt < options.Cooldown)
        {
            return Suppress($"cooldown after engagement {last.Id} until {last.CreatedAt + options.Cooldown:yyyy-MM-ddTHH:mm:ssZ}", DecisionClass.Cooldown);
        }

        var recent = counted.Count(e => now - e.CreatedAt < CapPeriod);
        if (recent >= options.MaxPer30Days)
        {
            return Suppress($"cap of {options.MaxPer30Days} engagements per 30 days reached", DecisionClass.Cap);
        }

        if (CallingHours.IsOpen(now, zones))
        {
            return new PolicyVerdict(true, EngagementStatus.Pending, "threshold exceeded; within calling hours", null, DecisionClass.WithinCallingHours);
        }

        var due = CallingHours.NextOpening(now, zones);
        return new PolicyVerdict(true, EngagementStatus.Deferred, $"threshold exceeded outside calling hours; due {due:yyyy-MM-ddTHH:mm:ssZ}", due, DecisionClass.OutsideCallingHours);
    }

    private static PolicyVerdict Suppress(string reason, DecisionClass decision) => new(false, EngagementStatus.Suppressed, reason, null, decision);
}
