namespace ChurnActors.Benchmarks.Reporting;

/// <summary>Public on-demand prices, us-east-1, as AWS publishes them (checked for this report; they change).</summary>
public static class Prices
{
    /// <summary>DynamoDB on-demand, per million write request units (since the November 2024 price cut; $1.25 before).</summary>
    public const double DynamoDbWriteUnit = 0.625 / 1e6;

    /// <summary>DynamoDB on-demand, per million read request units (since November 2024; $0.25 before).</summary>
    public const double DynamoDbReadUnit = 0.125 / 1e6;

    /// <summary>Kinesis Data Streams, provisioned: $0.014 per million PUT payload units (25 KB); GetRecords carries no request charge.</summary>
    public const double KinesisPutPayloadUnit = 0.014 / 1e6;

    /// <summary>S3 Standard: $0.005 per 1 000 PUT, COPY, POST or LIST requests.</summary>
    public const double S3Put = 0.005 / 1e3;

    /// <summary>S3 Standard: $0.0004 per 1 000 GET, HEAD and other requests.</summary>
    public const double S3Get = 0.0004 / 1e3;

    public const string Source =
        "us-east-1 public on-demand prices: DynamoDB $0.625 per million write and $0.125 per million read request units; " +
        "Kinesis Data Streams (provisioned) $0.014 per million 25 KB PUT payload units, GetRecords free; " +
        "S3 Standard $0.005 per 1 000 PUT/LIST and $0.0004 per 1 000 GET/HEAD. Shard-hours, storage and data transfer are not requests and are left out.";
}
