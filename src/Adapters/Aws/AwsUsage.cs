using System.Diagnostics.Metrics;

namespace ChurnActors.Adapters.Aws;

/// <summary>
/// Every request the adapters make to AWS, counted as AWS bills it, on the <c>ChurnActors.Aws</c>
/// meter: requests by service and operation (retries included), DynamoDB capacity units by table and
/// kind (a write costs one unit per started KB of item, a strongly consistent read one per started
/// 4 KB), and Kinesis PUT payload units (one per started 25 KB of record). Free when nobody listens.
/// </summary>
public static class AwsUsage
{
    public const string MeterName = "ChurnActors.Aws";
    public const string RequestsName = "churn.aws.requests";
    public const string CapacityUnitsName = "churn.aws.dynamodb.capacity_units";
    public const string PayloadUnitsName = "churn.aws.kinesis.put_payload_units";
    public const string RecordsPutName = "churn.aws.kinesis.records_put";

    private const int KinesisPayloadUnitBytes = 25 * 1024;

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>(RequestsName, "{request}", "AWS API requests, by service and operation");

    private static readonly Counter<double> CapacityUnits = Meter.CreateCounter<double>(CapacityUnitsName, "{unit}", "DynamoDB request units consumed, by table and kind (read or write)");

    private static readonly Counter<long> PayloadUnits = Meter.CreateCounter<long>(PayloadUnitsName, "{unit}", "Kinesis PUT payload units (25 KB each), by stream");

    private static readonly Counter<long> RecordsPut = Meter.CreateCounter<long>(RecordsPutName, "{record}", "Records put on a Kinesis stream, by stream");

    public static void Request(string service, string operation) =>
        Requests.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("operation", operation));

    /// <summary>A DynamoDB write of an item of <paramref name="itemBytes"/>.</summary>
    public static void DynamoDbWrite(string table, string operation, int itemBytes)
    {
        Request("dynamodb", operation);
        CapacityUnits.Add(Math.Max(1, (itemBytes + 1023) / 1024), new KeyValuePair<string, object?>("table", table), new KeyValuePair<string, object?>("kind", "write"));
    }

    /// <summary>A DynamoDB read of an item of <paramref name="itemBytes"/> (0 when there was none: it still costs a unit).</summary>
    public static void DynamoDbRead(string table, string operation, int itemBytes, bool consistent)
    {
        Request("dynamodb", operation);
        var units = Math.Max(1, (itemBytes + 4095) / 4096) * (consistent ? 1.0 : 0.5);
        CapacityUnits.Add(units, new KeyValuePair<string, object?>("table", table), new KeyValuePair<string, object?>("kind", "read"));
    }

    /// <summary>Records put on a Kinesis stream, one PUT payload unit per started 25 KB of each (data and partition key).</summary>
    public static void KinesisPut(string stream, IReadOnlyCollection<int> recordBytes)
    {
        var tag = new KeyValuePair<string, object?>("stream", stream);
        PayloadUnits.Add(recordBytes.Sum(b => Math.Max(1, (b + KinesisPayloadUnitBytes - 1) / KinesisPayloadUnitBytes)), tag);
        RecordsPut.Add(recordBytes.Count, tag);
    }
}
