using Amazon.DynamoDBv2;
using ChurnActors.Adapters.Storage;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>One Kinesis stream as an Orleans persistent stream provider (<c>AddKinesisStreams(name, …)</c>).</summary>
public sealed partial class KinesisStreamOptions
{
    public const string DefaultCheckpointTable = "churn-stream-checkpoints";
    public const string StreamNameRule = "must be a Kinesis stream name: 1 to 128 of a-z A-Z 0-9 _ - .";
    public static readonly TimeSpan DefaultStallAfter = TimeSpan.FromSeconds(60);

    /// <summary>A local wire-compatible server (kinesalite); unset on AWS, where <see cref="Region"/> picks the endpoint.</summary>
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string StreamName { get; set; } = "";

    /// <summary>The DynamoDB table of shard checkpoints (hash key <c>pk</c>); created on demand when missing.</summary>
    public string CheckpointTable { get; set; } = DefaultCheckpointTable;

    /// <summary>The DynamoDB client of <see cref="CheckpointTable"/>: said by the host, which knows where its tables are.</summary>
    public Func<IServiceProvider, IAmazonDynamoDB>? CheckpointStore { get; set; }

    /// <summary>Keeps the checkpoints of deployments sharing a table apart.</summary>
    public string ServiceId { get; set; } = "churn";

    /// <summary>When above zero, a missing stream is created with this many shards (local servers); on AWS the stack creates it.</summary>
    public int CreateWithShards { get; set; }

    /// <summary>Records asked for per <c>GetRecords</c> (Kinesis allows up to 10 000).</summary>
    public int MaxRecordsPerRead { get; set; } = 1000;

    /// <summary>Least time between two reads of one shard: 200 ms keeps within Kinesis' 5 reads per second per shard.</summary>
    public TimeSpan ReadInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Time between reads of a shard that had nothing new.</summary>
    public TimeSpan IdleReadInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often delivered positions are written to the checkpoint table.</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A shard whose delivered position stands still this long while records wait makes the silo not ready.</summary>
    public TimeSpan StallAfter { get; set; } = DefaultStallAfter;

    /// <summary>How often the shard list is read again to find the children of split or merged shards.</summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    public static bool IsStreamName(string? name) => name is not null && StreamNamePattern().IsMatch(name);

    /// <summary>What is wrong with the checkpoint settings, by member; nothing when they are good.</summary>
    public static IEnumerable<(string Member, string Message)> Problems(string checkpointTable, TimeSpan stallAfter)
    {
        if (!DynamoDbTables.IsTableName(checkpointTable))
        {
            yield return (nameof(CheckpointTable), DynamoDbTables.TableNameRule);
        }

        if (stallAfter < TimeSpan.FromSeconds(1) || stallAfter > TimeSpan.FromHours(1))
        {
            yield return (nameof(StallAfter), "must be between 00:00:01 and 01:00:00");
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[a-zA-Z0-9_.-]{1,128}$")]
    private static partial System.Text.RegularExpressions.Regex StreamNamePattern();
}
