using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Tests.Silo;

namespace ChurnActors.Tests.Support;

/// <summary>What the Kinesis tests of the running system share: settings, the probe system's records, and what to look at.</summary>
public static class KinesisProbes
{
    private static readonly string[] Types = ["CALL_DROP", "CALL_QUALITY", "LOW_BITRATE", "VIDEO_STALLING"];

    /// <summary>Streams on kinesalite (four shards, created by the silo), state and checkpoints on dynalite, short checkpoint intervals.</summary>
    public static Dictionary<string, string?> Settings(DynamoDbServer dynamo, KinesisServer kinesis, string probeStream, string checkpointTable) => new()
    {
        ["Churn:Storage:Provider"] = "DynamoDb",
        ["Churn:Storage:DynamoDb:ServiceUrl"] = dynamo.Url.ToString(),
        ["Churn:Storage:DynamoDb:TableName"] = DynamoDbServer.NewTableName(),
        ["Churn:Streams:Provider"] = "Kinesis",
        ["Churn:Streams:Kinesis:ServiceUrl"] = kinesis.Url.ToString(),
        ["Churn:Streams:Kinesis:ProbeStream"] = probeStream,
        ["Churn:Streams:Kinesis:RecordStream"] = KinesisServer.NewStreamName(),
        ["Churn:Streams:Kinesis:CheckpointTable"] = checkpointTable,
        ["Churn:Streams:Kinesis:Shards"] = "4",
        ["Churn:Streams:Kinesis:CheckpointInterval"] = "00:00:00.500",
        ["Churn:Archive:FlushInterval"] = "00:00:01",
    };

    /// <summary>The subscriber's OK session number <paramref name="index"/>, as the probe system writes it (event id from both).</summary>
    public static KinesisRecordToPut Record(string msisdn, int index)
    {
        var json = JsonSerializer.Serialize(Probe.Event(msisdn, Types[index % Types.Length], fail: false, eventId: $"{msisdn}-{index}"));
        return new KinesisRecordToPut(Encoding.UTF8.GetBytes(json), msisdn);
    }

    /// <summary>The sessions the subscriber has counted, over the HTTP API (0 for a number never seen).</summary>
    public static async Task<int> SessionsAsync(HttpClient http, string msisdn)
    {
        var response = await http.GetAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}");
        return response.StatusCode == System.Net.HttpStatusCode.NotFound
            ? 0
            : (await response.Content.ReadFromJsonAsync<SubscriberView>(JsonSerializerOptions.Web))!.Types.Sum(t => t.Sessions);
    }

    /// <summary>The checkpoint table's rows of the stream's shards, by shard id (none before the table exists).</summary>
    public static async Task<Dictionary<string, CheckpointRow>> CheckpointsAsync(IAmazonDynamoDB dynamo, string table, string stream)
    {
        try
        {
            var items = (await dynamo.ScanAsync(new ScanRequest { TableName = table, ConsistentRead = true })).Items;
            return items
                .Where(i => i["pk"].S.Contains($"/{stream}/", StringComparison.Ordinal))
                .ToDictionary(
                    i => i["pk"].S.Split('/')[^1],
                    i => new CheckpointRow(i.TryGetValue("seq", out var seq) ? seq.S : null, i["ended"].BOOL == true, i["owner"].S));
        }
        catch (ResourceNotFoundException)
        {
            return [];
        }
    }
}

public sealed record CheckpointRow(string? Sequence, bool Ended, string Owner);
