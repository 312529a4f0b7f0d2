using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ChurnActors.Adapters.Aws;

namespace ChurnActors.Benchmarks;

/// <summary>Adds up what the adapters report on the <see cref="AwsUsage"/> meter while it listens: requests, capacity units, payload units.</summary>
public sealed class AwsUsageListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<(string Instrument, string Key), double> _totals = new();

    public AwsUsageListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AwsUsage.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Requests by "service/operation".</summary>
    public IReadOnlyDictionary<string, double> Requests => Of(AwsUsage.RequestsName);

    /// <summary>DynamoDB capacity units by "table/kind".</summary>
    public IReadOnlyDictionary<string, double> CapacityUnits => Of(AwsUsage.CapacityUnitsName);

    /// <summary>Kinesis PUT payload units by stream.</summary>
    public IReadOnlyDictionary<string, double> PayloadUnits => Of(AwsUsage.PayloadUnitsName);

    /// <summary>Records put on Kinesis by stream.</summary>
    public IReadOnlyDictionary<string, double> RecordsPut => Of(AwsUsage.RecordsPutName);

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name switch
        {
            AwsUsage.RequestsName => $"{Tag(tags, "service")}/{Tag(tags, "operation")}",
            AwsUsage.CapacityUnitsName => $"{Tag(tags, "table")}/{Tag(tags, "kind")}",
            _ => Tag(tags, "stream"),
        };
        _totals.AddOrUpdate((instrument.Name, key), value, (_, total) => total + value);
    }

    private Dictionary<string, double> Of(string instrument) =>
        _totals.Where(t => t.Key.Instrument == instrument).ToDictionary(t => t.Key.Key, t => t.Value, StringComparer.Ordinal);

    private static string Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value?.ToString() ?? "";
            }
        }

        return "";
    }
}
