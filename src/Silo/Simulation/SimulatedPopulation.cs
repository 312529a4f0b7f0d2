using ChurnActors.Grains.Rules;
using ChurnActors.Silo.Configuration;
using PhoneNumbers;

namespace ChurnActors.Silo.Simulation;

/// <summary>
/// The simulated network: cells spread over countries around the globe (so some subscribers are
/// inside calling hours at any time of day), subscribers homed on cells, and a few degraded cells.
/// </summary>
public sealed class SimulatedPopulation
{
    private static readonly (string Region, int Mcc)[] Regions =
    [
        ("GB", 234), ("DE", 262), ("ZA", 655), ("IN", 404), ("SG", 525),
        ("JP", 440), ("AU", 505), ("US", 310), ("BR", 724), ("MX", 334),
    ];

    private static readonly string[] Vendors = ["Ericsson", "Nokia", "Samsung"];
    private static readonly string[] DeviceTacs = ["35332510", "35875410", "86769504", "35391311", "49015420", "35693803"];

    public SimulatedPopulation(SimulatorOptions options, CallingHours callingHours, DateTimeOffset now, Random random)
    {
        var numbers = PhoneNumberUtil.GetInstance();
        var regionTemplates = Regions
            .Select(r => (r.Region, r.Mcc, Example: numbers.Format(numbers.GetExampleNumberForType(r.Region, PhoneNumberType.MOBILE), PhoneNumberFormat.E164)))
            .ToArray();

        Cells = Enumerable.Range(0, options.Cells)
            .Select(i =>
            {
                var region = regionTemplates[i % regionTemplates.Length];
                var inHours = callingHours.IsOpen(now, SubscriberZones.For(region.Example));
                return new SimulatedCell($"{region.Mcc}-01-{0x1A000 + i:X7}", region.Region, Vendors[i % Vendors.Length], inHours);
            })
            .ToArray();

        // Degraded cells where subscribers can be called now, if there are such, so the whole loop shows at once.
        var degraded = Cells
            .OrderByDescending(c => c.InCallingHours)
            .ThenBy(_ => random.Next())
            .Take(options.DegradedCells)
            .Select(c => c.Id)
            .ToHashSet(StringComparer.Ordinal);
        Cells = Cells.Select(c => c with { Degraded = degraded.Contains(c.Id) }).ToArray();

        var perRegion = new Dictionary<string, int>(StringComparer.Ordinal);
        Subscribers = Enumerable.Range(0, options.Subscribers)
            .Select(j =>
            {
                var cell = Cells[j % Cells.Count];
                var template = regionTemplates.First(r => r.Region == cell.Region).Example;
                var serial = perRegion[cell.Region] = perRegion.GetValueOrDefault(cell.Region) + 1;
                var msisdn = string.Concat(template.AsSpan(0, template.Length - 7), serial.ToString("D7", System.Globalization.CultureInfo.InvariantCulture));
                return new SimulatedSubscriber(msisdn, cell, DeviceTacs[random.Next(DeviceTacs.Length)]);
            })
            .ToArray();
    }

    public IReadOnlyList<SimulatedCell> Cells { get; }

    public IReadOnlyList<SimulatedSubscriber> Subscribers { get; }
}

public sealed record SimulatedCell(string Id, string Region, string Vendor, bool InCallingHours, bool Degraded = false);

public sealed record SimulatedSubscriber(string Msisdn, SimulatedCell Cell, string DeviceTac);
