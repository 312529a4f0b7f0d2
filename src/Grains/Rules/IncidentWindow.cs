namespace ChurnActors.Grains.Rules;

/// <summary>
/// One incident type's sliding window of OK/FAIL counts in per-minute buckets of event time, kept in
/// a ring: adding an event is O(1) and allocation-free; a rate is a sum over the window's buckets.
/// Each slot packs (unix minute, ok, fail) into one long so the state stays small.
/// </summary>
[GenerateSerializer, Alias("churn.incident-window")]
public sealed class IncidentWindow
{
    /// <summary>How far ahead of now an event's time may be, in whole minutes (the window keeps a slot for each).</summary>
    private const int FutureMinutes = 5;

    /// <summary>How far ahead of now an event's time may be (docs/design.md §2).</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(FutureMinutes);

    [Id(0)]
    private long[] _slots;

    public IncidentWindow(TimeSpan window)
    {
        _slots = new long[SlotsFor(window)];
    }

    public int Capacity => _slots.Length;

    /// <summary>Counts one session. False if its time falls outside the window around <paramref name="now"/>.</summary>
    public bool Add(DateTimeOffset at, bool failed, DateTimeOffset now, TimeSpan window)
    {
        EnsureCapacity(window);
        var minute = UnixMinute(at);
        var nowMinute = UnixMinute(now);
        if (minute <= nowMinute - WindowMinutes(window) || minute > nowMinute + FutureMinutes)
        {
            return false;
        }

        ref var slot = ref _slots[minute % _slots.Length];
        var (slotMinute, ok, fail) = Unpack(slot);
        if (slotMinute != minute)
        {
            // The slot still holds a minute that left the window long ago: start it afresh.
            (ok, fail) = (0, 0);
        }

        slot = failed ? Pack(minute, ok, Saturate(fail + 1)) : Pack(minute, Saturate(ok + 1), fail);
        return true;
    }

    /// <summary>OK and FAIL counts of the sessions inside the window that ends at <paramref name="now"/>.</summary>
    public (int Ok, int Fail) Totals(DateTimeOffset now, TimeSpan window)
    {
        var nowMinute = UnixMinute(now);
        var oldest = nowMinute - WindowMinutes(window);
        int ok = 0, fail = 0;
        foreach (var slot in _slots)
        {
            var (minute, slotOk, slotFail) = Unpack(slot);
            if (minute > oldest && minute <= nowMinute + FutureMinutes)
            {
                ok += slotOk;
                fail += slotFail;
            }
        }

        return (ok, fail);
    }

    private void EnsureCapacity(TimeSpan window)
    {
        var needed = SlotsFor(window);
        if (needed == _slots.Length)
        {
            return;
        }

        // The configured window changed since this state was written: re-bucket what is kept.
        var old = _slots;
        _slots = new long[needed];
        foreach (var slot in old)
        {
            var (minute, _, _) = Unpack(slot);
            if (minute > 0)
            {
                ref var target = ref _slots[minute % needed];
                if (Unpack(target).Minute < minute)
                {
                    target = slot;
                }
            }
        }
    }

    /// <summary>The unix minute from which a session at <paramref name="at"/> is outside a window of <paramref name="window"/>.</summary>
    public static long ExpiryMinute(DateTimeOffset at, TimeSpan window) => UnixMinute(at) + WindowMinutes(window);

    public static long UnixMinute(DateTimeOffset at) => at.ToUnixTimeSeconds() / 60;

    private static int SlotsFor(TimeSpan window) => WindowMinutes(window) + FutureMinutes + 1;

    private static int WindowMinutes(TimeSpan window) => Math.Max(1, (int)Math.Ceiling(window.TotalMinutes));

    private static int Saturate(int count) => Math.Min(count, ushort.MaxValue);

    private static long Pack(long minute, int ok, int fail) => (minute << 32) | ((long)ok << 16) | (long)fail;

    private static (long Minute, int Ok, int Fail) Unpack(long slot) =>
        (slot >>> 32, (int)((slot >> 16) & 0xFFFF), (int)(slot & 0xFFFF));
}
