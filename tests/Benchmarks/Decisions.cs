using System.Security.Cryptography;
using System.Text;

namespace ChurnActors.Benchmarks;

/// <summary>
/// What an implementation decided on a run's events: sessions counted, duplicates absorbed, incidents
/// (FAIL sessions counted), engagements, and a digest of who was engaged for which type — equal
/// digests mean the same subscribers were engaged for the same reasons.
/// </summary>
public sealed record DecisionSummary(long Counted, long Duplicates, long Incidents, long Engagements, string EngagedDigest)
{
    public static DecisionSummary Of(long counted, long duplicates, long incidents, IEnumerable<string> engaged)
    {
        var sorted = engaged.Order(StringComparer.Ordinal).ToList();
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', sorted))))[..16];
        return new DecisionSummary(counted, duplicates, incidents, sorted.Count, digest);
    }

    public override string ToString() => $"{Counted:N0} counted, {Duplicates:N0} duplicates, {Incidents:N0} incidents, {Engagements:N0} engaged ({EngagedDigest})";
}

/// <summary>
/// The events the implementations are checked on for equal decisions: every subscriber gets sixteen
/// sessions in order, eight of each of two types (the types vary by subscriber, all four used), some
/// subscribers far worse than others so that some are engaged and some not, and every fifth
/// subscriber has one event delivered twice.
/// </summary>
public static class DecisionScenario
{
    public const int Steps = 16;

    private static readonly string[] Types = ["CALL_DROP", "CALL_QUALITY", "LOW_BITRATE", "VIDEO_STALLING"];
    private static readonly int[] FailPercent = [2, 10, 30, 50];

    /// <summary>One batch per step, each with one event of every subscriber (and the redeliveries), in the order they are sent.</summary>
    public static IReadOnlyList<EventBatch> Batches(EventMix mix, int firstSubscriber, int subscribers)
    {
        var batches = new List<EventBatch>(Steps);
        for (var step = 0; step < Steps; step++)
        {
            var events = new List<(int, int, string, bool)>();
            for (var s = firstSubscriber; s < firstSubscriber + subscribers; s++)
            {
                events.Add(Event(s, step));
                if (step == 8 && s % 5 == 0)
                {
                    events.Add(Event(s, 2));
                }
            }

            batches.Add(mix.Batch(events));
        }

        return batches;
    }

    private static (int, int, string, bool) Event(int subscriber, int step) =>
        (subscriber, step, Types[(subscriber + (step / 8)) % Types.Length], (uint)HashCode.Combine(subscriber, step, 17) % 100 < FailPercent[subscriber % FailPercent.Length]);
}
