using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ChurnActors.Adapters.Aws;
using Microsoft.Extensions.Logging;

namespace ChurnActors.Adapters.Kinesis;

/// <summary>
/// The few Kinesis Data Streams calls this project makes, over the JSON 1.1 protocol
/// (<c>POST /</c>, <c>X-Amz-Target: Kinesis_20131202.&lt;Operation&gt;</c>), SigV4-signed for service
/// <c>kinesis</c>. Throttling, 5xx and network faults are retried here with exponential backoff and
/// jitter; an expired iterator is the caller's to re-position.
/// </summary>
public sealed partial class KinesisClient(
    HttpClient http,
    Uri endpoint,
    string region,
    IAwsCredentialSource credentials,
    TimeProvider time,
    ILogger<KinesisClient> logger)
{
    public const string Service = "kinesis";
    public const int MaxRecordsPerPut = 500;
    public const int MaxBytesPerPut = 5 * 1024 * 1024;
    public const int MaxBytesPerRecord = 1024 * 1024;
    private const string TargetPrefix = "Kinesis_20131202.";
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    /// <summary>Attempts of one call before a retryable failure is given to the caller.</summary>
    public int MaxAttempts { get; init; } = 5;

    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The regional endpoint on AWS; a local server (kinesalite) when <paramref name="serviceUrl"/> is set.</summary>
    public static Uri EndpointFor(Uri? serviceUrl, string? region) =>
        serviceUrl ?? new Uri($"https://kinesis.{region ?? throw new ArgumentException("A region is required without a ServiceUrl.", nameof(region))}.amazonaws.com/");

    public async Task CreateStreamAsync(string stream, int shardCount, CancellationToken cancellationToken)
    {
        using var _ = await SendAsync("CreateStream", KinesisJson.Default.CreateStreamRequest, new CreateStreamRequest(stream, shardCount), cancellationToken);
    }

    public async Task<StreamSummary> DescribeStreamSummaryAsync(string stream, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("DescribeStreamSummary", KinesisJson.Default.StreamRequest, new StreamRequest(stream), cancellationToken);
        return Read(response, KinesisJson.Default.DescribeStreamSummaryResponse).StreamDescriptionSummary;
    }

    /// <summary>Every shard of the stream, open and closed, following <c>NextToken</c> across pages.</summary>
    public async Task<IReadOnlyList<KinesisShard>> ListShardsAsync(string stream, CancellationToken cancellationToken)
    {
        var shards = new List<KinesisShard>();
        ListShardsRequest request = new(stream, null, 1000);
        while (true)
        {
            using var response = await SendAsync("ListShards", KinesisJson.Default.ListShardsRequest, request, cancellationToken);
            var page = Read(response, KinesisJson.Default.ListShardsResponse);
            shards.AddRange(page.Shards ?? []);
            if (string.IsNullOrEmpty(page.NextToken))
            {
                return shards;
            }

            // A continued listing names the token alone, never the stream.
            request = new ListShardsRequest(null, page.NextToken, 1000);
        }
    }

    public async Task<string> GetShardIteratorAsync(string stream, string shardId, ShardPosition position, CancellationToken cancellationToken)
    {
        var request = new GetShardIteratorRequest(stream, shardId, position.IteratorType, position.SequenceNumber);
        using var response = await SendAsync("GetShardIterator", KinesisJson.Default.GetShardIteratorRequest, request, cancellationToken);
        return Read(response, KinesisJson.Default.GetShardIteratorResponse).ShardIterator;
    }

    /// <summary>One read of a shard. <see cref="GetRecordsResult.NextShardIterator"/> is null once a closed shard is read to its end.</summary>
    public async Task<GetRecordsResult> GetRecordsAsync(string shardIterator, int limit, CancellationToken cancellationToken)
    {
        using var response = await SendAsync("GetRecords", KinesisJson.Default.GetRecordsRequest, new GetRecordsRequest(shardIterator, limit), cancellationToken);
        var read = Read(response, KinesisJson.Default.GetRecordsResponse);
        return new GetRecordsResult(read.Records ?? [], read.NextShardIterator, read.MillisBehindLatest ?? 0);
    }

    /// <summary>
    /// Puts records in calls of at most 500 records and 5 MiB; records the service refuses in a call
    /// (throughput exceeded, internal failure) are sent again with backoff. Returns each record's
    /// sequence number, in order; throws if some are still refused after every attempt.
    /// </summary>
    public async Task<IReadOnlyList<string>> PutRecordsAsync(string stream, IReadOnlyList<KinesisRecordToPut> records, CancellationToken cancellationToken)
    {
        var sequenceNumbers = new string[records.Count];
        var start = 0;
        while (start < records.Count)
        {
            var end = start;
            var bytes = 0;
            while (end < records.Count && end - start < MaxRecordsPerPut)
            {
                var size = records[end].Data.Length + Encoding.UTF8.GetByteCount(records[end].PartitionKey);
                if (size > MaxBytesPerRecord)
                {
                    throw new ArgumentException($"Record {end} is {size} bytes; Kinesis takes at most {MaxBytesPerRecord} bytes (data and partition key) per record.", nameof(records));
                }

                if (end > start && bytes + size > MaxBytesPerPut)
                {
                    break;
                }

                bytes += size;
                end++;
            }

            await PutChunkAsync(stream, records, start, end, sequenceNumbers, cancellationToken);
            start = end;
        }

        return sequenceNumbers;
    }

    private async Task PutChunkAsync(string stream, IReadOnlyList<KinesisRecordToPut> records, int start, int end, string[] sequenceNumbers, CancellationToken cancellationToken)
    {
        var pending = Enumerable.Range(start, end - start).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var entries = pending.Select(i => new PutRecordsEntry(records[i].Data, records[i].PartitionKey, records[i].ExplicitHashKey)).ToList();
            using var response = await SendAsync("PutRecords", KinesisJson.Default.PutRecordsRequest, new PutRecordsRequest(stream, entries), cancellationToken);
            AwsUsage.KinesisPut(stream, [.. entries.Select(e => e.Data.Length + Encoding.UTF8.GetByteCount(e.PartitionKey))]);
            var result = Read(response, KinesisJson.Default.PutRecordsResponse);
            if (result.Records.Count != pending.Count)
            {
                throw new KinesisException("InvalidResponse", $"PutRecords answered {result.Records.Count} results for {pending.Count} records", HttpStatusCode.OK);
            }

            var refused = new List<int>();
            string? lastError = null;
            for (var index = 0; index < pending.Count; index++)
            {
                var entry = result.Records[index];
                if (entry.ErrorCode is null && entry.SequenceNumber is not null)
                {
                    sequenceNumbers[pending[index]] = entry.SequenceNumber;
                }
                else
                {
                    refused.Add(pending[index]);
                    lastError = $"{entry.ErrorCode}: {entry.ErrorMessage}";
                }
            }

            if (refused.Count == 0)
            {
                return;
            }

            if (attempt >= MaxAttempts)
            {
                throw new KinesisException("PartialFailure", $"{refused.Count} of {end - start} records were still refused by stream '{stream}' after {attempt} attempts; last: {lastError}", HttpStatusCode.OK);
            }

            LogPartialFailure(logger, refused.Count, stream, lastError);
            pending = refused;
            await Task.Delay(Backoff(attempt), time, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendAsync<T>(string operation, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, T request, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, type);
        for (var attempt = 1; ; attempt++)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, endpoint)
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = JsonContentType } },
            };
            message.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + operation);
            await SigV4.SignAsync(message, await credentials.GetAsync(cancellationToken), region, Service, time.GetUtcNow(), cancellationToken);

            KinesisException failure;
            try
            {
                AwsUsage.Request("kinesis", operation);
                var response = await http.SendAsync(message, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    await response.Content.LoadIntoBufferAsync(cancellationToken);
                    return response;
                }

                using (response)
                {
                    failure = await ErrorAsync(operation, response, cancellationToken);
                }
            }
            catch (HttpRequestException exception)
            {
                failure = new KinesisException("NetworkError", $"{operation} could not reach {endpoint}: {exception.Message}", HttpStatusCode.ServiceUnavailable, exception);
            }
            catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new KinesisException("Timeout", $"{operation} timed out against {endpoint}", HttpStatusCode.RequestTimeout, exception);
            }

            if (!failure.IsRetryable || attempt >= MaxAttempts)
            {
                throw failure;
            }

            LogRetry(logger, operation, failure.ErrorType, attempt);
            await Task.Delay(Backoff(attempt), time, cancellationToken);
        }
    }

    /// <summary>Exponential backoff with full jitter: up to 100 ms, 200 ms, 400 ms … capped at 5 s.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(5000, FirstBackoff.TotalMilliseconds * (1 << Math.Min(attempt - 1, 10)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (Random.Shared.NextDouble() / 2)));
    }

    private static async Task<KinesisException> ErrorAsync(string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var (type, detail) = AwsError.Read(response, await response.Content.ReadAsStringAsync(cancellationToken));
        return new KinesisException(type, $"{operation} failed: {type} ({(int)response.StatusCode}): {detail}", response.StatusCode);
    }

    private static TResponse Read<TResponse>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TResponse> type)
    {
        using var stream = response.Content.ReadAsStream();
        return JsonSerializer.Deserialize(stream, type) ?? throw new KinesisException("InvalidResponse", $"Kinesis answered an empty {typeof(TResponse).Name}", response.StatusCode);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis {Operation} failed with {ErrorType} (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, string operation, string errorType, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kinesis refused {Count} records of a PutRecords to {Stream} ({LastError}); sending them again")]
    private static partial void LogPartialFailure(ILogger logger, int count, string stream, string? lastError);
}

/// <summary>A Kinesis error, by its type name (<c>ProvisionedThroughputExceededException</c>, <c>ExpiredIteratorException</c>…).</summary>
public sealed class KinesisException(string errorType, string message, HttpStatusCode status, Exception? inner = null) : Exception(message, inner)
{
    public string ErrorType { get; } = errorType;

    public HttpStatusCode Status { get; } = status;

    public bool IsThrottling => ErrorType is "ProvisionedThroughputExceededException" or "LimitExceededException" or "ThrottlingException" or "KMSThrottlingException";

    public bool IsExpiredIterator => ErrorType == "ExpiredIteratorException";

    /// <summary>Throttling, a server fault or no answer at all: asking again later may work.</summary>
    public bool IsRetryable => IsThrottling || (int)Status >= 500 || Status == HttpStatusCode.RequestTimeout || ErrorType == "NetworkError";
}

/// <summary>Where a shard iterator starts.</summary>
public readonly record struct ShardPosition(string IteratorType, string? SequenceNumber)
{
    public static ShardPosition TrimHorizon => new("TRIM_HORIZON", null);

    public static ShardPosition Latest => new("LATEST", null);

    public static ShardPosition AfterSequenceNumber(string sequenceNumber) => new("AFTER_SEQUENCE_NUMBER", sequenceNumber);

    public static ShardPosition AtSequenceNumber(string sequenceNumber) => new("AT_SEQUENCE_NUMBER", sequenceNumber);
}

public sealed record KinesisRecordToPut(byte[] Data, string PartitionKey, string? ExplicitHashKey = null);

public sealed record GetRecordsResult(IReadOnlyList<KinesisRecord> Records, string? NextShardIterator, long MillisBehindLatest);
