using System.Collections.Concurrent;
using PhoneNumbers;

namespace ChurnActors.Grains.Rules;

/// <summary>Time zones of a number, derived from its country (and area, where the numbering plan tells) with libphonenumber.</summary>
public static class SubscriberZones
{
    private static readonly PhoneNumberUtil Numbers = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper Zones = PhoneNumberToTimeZonesMapper.GetInstance();

    /// <summary>Each distinct list of zones once: subscribers of one area share it (there are a few hundred, not millions).</summary>
    private static readonly ConcurrentDictionary<string, IReadOnlyList<TimeZoneInfo>> Shared = new(StringComparer.Ordinal);

    /// <summary>The zones the number may be in; UTC when the plan does not tell.</summary>
    public static IReadOnlyList<TimeZoneInfo> For(string e164)
    {
        var number = Numbers.Parse(e164, null);
        var ids = Zones.GetTimeZonesForNumber(number);
        if (ids.All(id => id == Zones.GetUnknownTimeZone()))
        {
            // A number outside the ranges the plan lists as assigned: its prefix still tells the country or area.
            ids = Zones.GetTimeZonesForGeographicalNumber(number);
        }

        return Shared.GetOrAdd(string.Join('|', ids), static (_, ids) =>
        {
            var zones = new List<TimeZoneInfo>();
            foreach (var id in ids)
            {
                if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
                {
                    zones.Add(zone);
                }
            }

            return zones.Count > 0 ? zones.AsReadOnly() : [TimeZoneInfo.Utc];
        }, ids);
    }
}
