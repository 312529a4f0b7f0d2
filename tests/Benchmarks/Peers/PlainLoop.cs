using ChurnActors.Grains.Ingest;
using ChurnActors.Grains.Options;

namespace ChurnActors.Benchmarks.Peers;

/// <summary>
/// The physical limit: the same rules as a plain single-threaded loop — the same strict reader and
/// libphonenumber, then a dictionary of subscribers each with per-minute buckets of event time per
/// type, the event ids it counted, the minimum sample, the strict threshold and one engagement in
/// flight. No actors, no messages, no persistence, nothing written for the lake: what one core does
/// with the events when nothing else is asked of it.
/// </summary>
public sealed class PlainLoop(DetectionOptions detection)
{
    private const int FutureMinutes = 5;

    private readonly Dictionary<string, Subscriber> _subscribers = new(StringComparer.Ordinal);
    private readonly List<string> _engaged = [];
    private long _counted;
    private long _duplicates;
    private long _incidents;

    public int Subscribers => _subscribers.Count;

    public long Processed { get; private set; }

    public void Process(ReadOnlySpan<byte> json, DateTimeOffset now)
    {
        Processed++;
        if (!ProbeEventReader.TryRead(json, now, out var probe, out _))
        {
            return;
        }

        if (!_subscribers.TryGetValue(probe!.Msisdn, out var subscriber))
        {
            _subscribers[probe.Msisdn] = subscriber = new Subscriber();
        }

        if (subscriber.Seen.Contains(probe.EventId))
        {
            _duplicates++;
            return;
        }

        var type = (int)probe.Type;
        var minutes = WindowMinutes(detection.WindowFor(probe.Type));
        var window = subscriber.Windows[type] ??= new long[minutes + FutureMinutes + 1];
        var minute = probe.Timestamp.ToUnixTimeSeconds() / 60;
        var nowMinute = now.ToUnixTimeSeconds() / 60;
        if (minute <= nowMinute - minutes || minute > nowMinute + FutureMinutes)
        {
            return;
        }

        subscriber.Seen.Add(probe.EventId);
        ref var slot = ref window[minute % window.Length];
        if (slot >>> 32 != minute)
        {
            slot = minute << 32;
        }

        slot += probe.Failed ? 1 : 1 << 16;
        _counted++;
        if (!probe.Failed)
        {
            return;
        }

        _incidents++;
        int ok = 0, fail = 0;
        foreach (var bucket in window)
        {
            var at = bucket >>> 32;
            if (at > nowMinute - minutes && at <= nowMinute + FutureMinutes)
            {
                ok += (int)((bucket >> 16) & 0xFFFF);
                fail += (int)(bucket & 0xFFFF);
            }
        }

        var sessions = ok + fail;
        if (!subscriber.Engaged && sessions >= detection.MinSamples && (double)fail / sessions > detection.ThresholdFor(probe.Type))
        {
            subscriber.Engaged = true;
            _engaged.Add($"{probe.Msisdn}:{probe.Type.ToWire()}");
        }
    }

    public DecisionSummary Summary() => DecisionSummary.Of(_counted, _duplicates, _incidents, _engaged);

    private static int WindowMinutes(TimeSpan window) => Math.Max(1, (int)Math.Ceiling(window.TotalMinutes));

    private sealed class Subscriber
    {
        public long[]?[] Windows { get; } = new long[]?[4];

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public bool Engaged { get; set; }
    }
}
