namespace ChurnActors.Adapters.Kinesis;

/// <summary>One Kinesis stream as an Orleans persistent stream provider (<c>AddKinesisStreams(name, …)</c>).</summary>
public sealed class KinesisStreamOptions
{
    /// <summary>A local wire-compatible server (kinesalite); unset on AWS, where <see cref="Region"/> picks the endpoint.</summary>
    public Uri? ServiceUrl { get; set; }

    public string? Region { get; set; }

    public string StreamName { get; set; } = "";

    /// <summary>The DynamoDB table of shard checkpoints (hash key <c>pk</c>); created on demand when missing.</summary>
    public string CheckpointTable { get; set; } = "churn-stream-checkpoints";

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
    public TimeSpan StallAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the shard list is read again to find the children of split or merged shards.</summary>
    public TimeSpan DiscoveryInterval { get; set; } = TimeSpan.FromSeconds(30);
}
