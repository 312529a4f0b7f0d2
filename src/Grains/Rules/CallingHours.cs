using ChurnActors.Grains.Options;

namespace ChurnActors.Grains.Rules;

/// <summary>
/// The daily window in which a subscriber may be called, in local time. A number whose plan spans
/// several zones may be called only when the window is open in every one of them — unless those
/// zones never share an open hour (a plan spanning half the globe), when the first zone the plan
/// lists is the subscriber's.
/// </summary>
public sealed class CallingHours(TimeSpan start, TimeSpan end)
{
    private static readonly TimeSpan Probe = TimeSpan.FromMinutes(15);

    private IReadOnlyList<TimeZoneInfo>? _resolvedFor;
    private IReadOnlyList<TimeZoneInfo> _honoured = [];

    public CallingHours(CallingHoursOptions options)
        : this(options.Start, options.End)
    {
    }

    public bool IsOpen(DateTimeOffset at, IReadOnlyList<TimeZoneInfo> zones)
    {
        foreach (var zone in Honoured(zones, at))
        {
            if (!IsOpen(at, zone))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The first instant at or after <paramref name="from"/> when the window is open in every zone.</summary>
    public DateTimeOffset NextOpening(DateTimeOffset from, IReadOnlyList<TimeZoneInfo> zones)
    {
        zones = Honoured(zones, from);
        var candidate = from;

        // Each pass moves to the opening of a zone that is closed; zones' windows overlap within
        // a few days or never, so the loop is short and bounded.
        for (var pass = 0; pass < 16; pass++)
        {
            var closed = zones.FirstOrDefault(zone => !IsOpen(candidate, zone));
            if (closed is null)
            {
                return candidate;
            }

            candidate = NextOpening(candidate, closed);
        }

        throw new InvalidOperationException("The calling hours never open in all of the number's time zones at once.");
    }

    /// <summary>The zones whose hours bind: all of them if they share an open hour in the next two days, else the first.</summary>
    private IReadOnlyList<TimeZoneInfo> Honoured(IReadOnlyList<TimeZoneInfo> zones, DateTimeOffset at)
    {
        if (zones.Count <= 1)
        {
            return zones;
        }

        if (!ReferenceEquals(zones, _resolvedFor))
        {
            var shared = false;
            for (var probe = at; probe < at + TimeSpan.FromDays(2) && !shared; probe += Probe)
            {
                shared = zones.All(zone => IsOpen(probe, zone));
            }

            _honoured = shared ? zones : [zones[0]];
            _resolvedFor = zones;
        }

        return _honoured;
    }

    private bool IsOpen(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).TimeOfDay;
        return local >= start && local < end;
    }

    private DateTimeOffset NextOpening(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var day = local.Date;
        var opening = local.TimeOfDay < start ? day + start : day.AddDays(1) + start;

        // Local wall time to an instant; a wall time skipped by a DST jump opens an hour later.
        while (zone.IsInvalidTime(opening))
        {
            opening = opening.AddMinutes(30);
        }

        return new DateTimeOffset(opening, zone.GetUtcOffset(opening));
    }
}
