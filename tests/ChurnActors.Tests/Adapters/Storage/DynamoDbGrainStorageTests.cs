using System.Globalization;
using System.Net;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChurnActors.Adapters;
using ChurnActors.Adapters.Storage;
using ChurnActors.Grains.Rules;
using ChurnActors.Grains.Subscribers;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace ChurnActors.Tests.Adapters.Storage;

/// <summary>The <see cref="IGrainStorage"/> contract of the DynamoDB provider, over the wire against dynalite.</summary>
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbGrainStorageTests(DynamoDbServer dynamo) : IDisposable
{
    private const string StateName = "subscriber";
    private static readonly GrainId Grain = GrainId.Create("subscriber", "+447700900123");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task A_missing_table_is_created_with_the_grain_key_schema_on_demand()
    {
        var storage = Storage(out var table);

        await storage.EnsureTableAsync(CancellationToken.None);

        var description = (await dynamo.Client.DescribeTableAsync(table)).Table;
        Assert.Equal(TableStatus.ACTIVE, description.TableStatus);
        Assert.Equal(
            [(DynamoDbGrainStorage.PartitionKeyAttribute, "HASH"), (DynamoDbGrainStorage.SortKeyAttribute, "RANGE")],
            description.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value)));
        Assert.Equal(BillingMode.PAY_PER_REQUEST, description.BillingModeSummary?.BillingMode);
    }

    [Fact]
    public async Task Reading_a_state_never_written_gives_a_fresh_state_and_no_etag()
    {
        var storage = await ReadyStorageAsync();
        var state = new GrainState<SubscriberState>();

        await storage.ReadStateAsync(StateName, Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.NotNull(state.State);
        Assert.Empty(state.State!.Engagements);
    }

    [Fact]
    public async Task A_written_state_reads_back_whole_with_its_etag()
    {
        var storage = await ReadyStorageAsync();
        var written = new GrainState<SubscriberState>(Filled());

        await storage.WriteStateAsync(StateName, Grain, written);
        var read = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, Grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("+447700900123", read.State!.Msisdn);
        Assert.Equal(7, read.State!.Sentiment);
        Assert.Equal("eng-1", Assert.Single(read.State!.Engagements).Id);
        Assert.Equal((3, 1), read.State!.Windows[0]!.Totals(Now, TimeSpan.FromMinutes(15)));
        Assert.True(read.State!.SeenEvents!.Contains("event-2"));
    }

    [Fact]
    public async Task States_of_other_grains_other_state_names_and_other_services_are_kept_apart()
    {
        var storage = await ReadyStorageAsync();
        var otherService = Storage(storage.TableName, serviceId: "another-service");

        await storage.WriteStateAsync(StateName, Grain, new GrainState<SubscriberState>(Filled()));
        var sameKeyOtherType = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, GrainId.Create("cell", "+447700900123"), sameKeyOtherType);
        var otherStateName = new GrainState<SubscriberState>();
        await storage.ReadStateAsync("other", Grain, otherStateName);
        var otherServiceRead = new GrainState<SubscriberState>();
        await otherService.ReadStateAsync(StateName, Grain, otherServiceRead);

        Assert.False(sameKeyOtherType.RecordExists);
        Assert.False(otherStateName.RecordExists);
        Assert.False(otherServiceRead.RecordExists);
    }

    [Fact]
    public async Task Of_two_writers_of_one_version_the_second_is_refused()
    {
        var storage = await ReadyStorageAsync();
        await storage.WriteStateAsync(StateName, Grain, new GrainState<SubscriberState>(Filled()));
        var first = new GrainState<SubscriberState>();
        var second = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, Grain, first);
        await storage.ReadStateAsync(StateName, Grain, second);

        first.State!.Sentiment = 5;
        await storage.WriteStateAsync(StateName, Grain, first);
        second.State!.Sentiment = 9;
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, second));

        Assert.Contains("changed since it was read", conflict.Message, StringComparison.Ordinal);
        var stored = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, Grain, stored);
        Assert.Equal(5, stored.State!.Sentiment);
    }

    [Fact]
    public async Task A_first_write_is_refused_when_someone_else_wrote_first()
    {
        var storage = await ReadyStorageAsync();
        await storage.WriteStateAsync(StateName, Grain, new GrainState<SubscriberState>(Filled()));

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, new GrainState<SubscriberState>(new SubscriberState())));
    }

    [Fact]
    public async Task Clearing_deletes_the_item_only_at_the_version_read()
    {
        var storage = await ReadyStorageAsync();
        var state = new GrainState<SubscriberState>(Filled());
        await storage.WriteStateAsync(StateName, Grain, state);
        var stale = new GrainState<SubscriberState>(state.State, state.ETag);
        await storage.WriteStateAsync(StateName, Grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(StateName, Grain, stale));
        await storage.ClearStateAsync(StateName, Grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        var raw = await dynamo.Client.GetItemAsync(storage.TableName, RawKey(), consistentRead: true);
        Assert.True(raw.Item is null or { Count: 0 });
        var read = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, Grain, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task A_state_can_be_written_again_after_it_was_cleared()
    {
        var storage = await ReadyStorageAsync();
        var state = new GrainState<SubscriberState>(Filled());
        await storage.WriteStateAsync(StateName, Grain, state);
        await storage.ClearStateAsync(StateName, Grain, state);

        state.State = Filled();
        state.State!.Sentiment = 3;
        await storage.WriteStateAsync(StateName, Grain, state);

        var read = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, Grain, read);
        Assert.Equal(3, read.State!.Sentiment);
    }

    [Fact]
    public async Task Clearing_without_deleting_keeps_the_version_going()
    {
        var storage = await ReadyStorageAsync(configure: o => o.DeleteStateOnClear = false);
        var state = new GrainState<SubscriberState>(Filled());
        await storage.WriteStateAsync(StateName, Grain, state);
        var stale = new GrainState<SubscriberState>(Filled(), state.ETag);

        await storage.ClearStateAsync(StateName, Grain, state);

        Assert.Equal("2", state.ETag);
        var read = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, Grain, read);
        Assert.False(read.RecordExists);
        Assert.Equal("2", read.ETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, stale));
        await storage.WriteStateAsync(StateName, Grain, read);
        Assert.Equal("3", read.ETag);
    }

    [Fact]
    public async Task With_a_time_to_live_every_write_stamps_the_expiry_attribute()
    {
        var storage = await ReadyStorageAsync(configure: o => o.TimeToLive = TimeSpan.FromDays(90));

        await storage.WriteStateAsync(StateName, Grain, new GrainState<SubscriberState>(Filled()));

        var item = (await dynamo.Client.GetItemAsync(storage.TableName, RawKey(), consistentRead: true)).Item;
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(item[DynamoDbGrainStorage.ExpiresAtAttribute].N, CultureInfo.InvariantCulture));
        Assert.InRange(expiresAt - DateTimeOffset.UtcNow, TimeSpan.FromDays(90) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(90) + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Without_a_time_to_live_no_expiry_is_written()
    {
        var storage = await ReadyStorageAsync();

        await storage.WriteStateAsync(StateName, Grain, new GrainState<SubscriberState>(Filled()));

        var item = (await dynamo.Client.GetItemAsync(storage.TableName, RawKey(), consistentRead: true)).Item;
        Assert.False(item.ContainsKey(DynamoDbGrainStorage.ExpiresAtAttribute));
    }

    [Fact]
    public async Task A_state_over_the_item_limit_is_refused_before_the_call_and_nothing_changes()
    {
        var storage = await ReadyStorageAsync();
        var huge = Filled();
        huge.Engagements.AddRange(Enumerable.Range(0, 50).Select(i => new Engagement { Id = $"eng-big-{i}", Reason = new string('x', 10_000) }));

        var exception = await Assert.ThrowsAsync<DynamoDbStorageException>(() => storage.WriteStateAsync(StateName, Grain, new GrainState<SubscriberState>(huge)));

        Assert.Contains("at most 400 KB", exception.Message, StringComparison.Ordinal);
        Assert.Contains(storage.TableName, exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("+447700900123", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0, storage.Writes);
        var read = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, Grain, read);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task A_failure_names_the_table_and_the_masked_grain()
    {
        var storage = Storage(out var table, configure: o => o.CreateTableIfMissing = false);

        var exception = await Assert.ThrowsAsync<DynamoDbStorageException>(() => storage.ReadStateAsync(StateName, Grain, new GrainState<SubscriberState>()));

        Assert.Contains(table, exception.Message, StringComparison.Ordinal);
        Assert.Contains("ResourceNotFoundException", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"subscriber/{Msisdns.Mask("+447700900123")}", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("+447700900123", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_table_that_may_not_be_created_stops_the_start_with_its_name()
    {
        var storage = Storage(out var table, configure: o => o.CreateTableIfMissing = false);

        var exception = await Assert.ThrowsAsync<DynamoDbStorageException>(() => storage.EnsureTableAsync(CancellationToken.None));

        Assert.Contains($"'{table}'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttled_calls_are_retried_with_backoff()
    {
        // A stand-in endpoint that throttles twice, then answers: the SDK's retries must carry the read through.
        using var throttling = new HttpListener();
        var port = Silo.ChurnHost.FreePort();
        throttling.Prefixes.Add($"http://127.0.0.1:{port}/");
        throttling.Start();
        var requests = 0;
        var serving = Task.Run(async () =>
        {
            while (requests < 3)
            {
                var context = await throttling.GetContextAsync();
                var throttled = Interlocked.Increment(ref requests) <= 2;
                context.Response.StatusCode = throttled ? 400 : 200;
                context.Response.ContentType = "application/x-amz-json-1.0";
                var body = throttled
                    ? "{\"__type\":\"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException\",\"message\":\"slow down\"}"
                    : "{}";
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
                context.Response.Close();
            }
        });
        using var client = AwsClients.DynamoDb(new Uri($"http://127.0.0.1:{port}"), "us-east-1");
        var storage = Storage(DynamoDbServer.NewTableName(), client: client);

        var state = new GrainState<SubscriberState>();
        await storage.ReadStateAsync(StateName, Grain, state);
        await serving;

        Assert.Equal(3, requests);
        Assert.False(state.RecordExists);
    }

    [Fact]
    public async Task A_write_whose_answer_was_lost_is_retried_and_a_retry_that_finds_it_applied_succeeds()
    {
        var table = DynamoDbServer.NewTableName();
        await Storage(table).EnsureTableAsync(CancellationToken.None);
        await using var proxy = DynamoDbProxy.Start(dynamo.Url);
        using var client = AwsClients.DynamoDb(proxy.Url, "us-east-1");
        var storage = Storage(table, client: client);

        // The first put reaches dynalite and is applied; its answer never comes back (a 500), so the SDK sends it again.
        proxy.LoseAnswerOfNext("PutItem");
        var state = new GrainState<SubscriberState> { State = Filled() };
        await storage.WriteStateAsync(StateName, Grain, state);

        var read = new GrainState<SubscriberState>();
        await Storage(table).ReadStateAsync(StateName, Grain, read);
        Assert.Equal(2, proxy.Sent("PutItem"));
        Assert.Equal("1", state.ETag);
        Assert.Equal("1", read.ETag);
        Assert.Equal(7, read.State!.Sentiment);

        // A real conflict is still one: a writer that read nothing, after this write, is refused.
        var stale = new GrainState<SubscriberState> { State = Filled() };
        stale.State.Sentiment = 3;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(StateName, Grain, stale));
    }

    [Fact]
    public async Task A_burst_of_writes_has_at_most_the_configured_requests_in_flight_and_every_write_lands()
    {
        var table = DynamoDbServer.NewTableName();
        await Storage(table).EnsureTableAsync(CancellationToken.None);
        await using var proxy = DynamoDbProxy.Start(dynamo.Url, delay: TimeSpan.FromMilliseconds(20));
        using var client = AwsClients.DynamoDb(proxy.Url, "us-east-1");
        var storage = Storage(table, options => options.MaxConcurrentRequests = 4, client: client);

        var grains = Enumerable.Range(0, 60).Select(i => GrainId.Create("subscriber", $"+4477009{i:D5}")).ToList();
        await Task.WhenAll(grains.Select(g => storage.WriteStateAsync(StateName, g, new GrainState<SubscriberState> { State = Filled() })));

        Assert.Equal(60, proxy.Sent("PutItem"));
        Assert.InRange(proxy.MostInFlight, 1, 4);
        foreach (var grain in grains)
        {
            var read = new GrainState<SubscriberState>();
            await Storage(table).ReadStateAsync(StateName, grain, read);
            Assert.Equal("1", read.ETag);
        }
    }

    private static SubscriberState Filled()
    {
        var state = new SubscriberState { Msisdn = "+447700900123", Sentiment = 7, FirstSeen = Now };
        state.Windows[0] = new IncidentWindow(TimeSpan.FromMinutes(15));
        state.SeenEvents = new EventIdMemory();
        for (var i = 0; i < 4; i++)
        {
            state.Windows[0]!.Add(Now.AddMinutes(-i), failed: i == 2, Now, TimeSpan.FromMinutes(15));
            state.SeenEvents.Remember($"event-{i}", 29_000_015, 29_000_000, 1024);
        }

        state.Engagements.Add(new Engagement { Id = "eng-1", Type = IncidentType.CallDrop, Cell = "cell-1", Status = EngagementStatus.Answered, CreatedAt = Now });
        return state;
    }

    private static Dictionary<string, AttributeValue> RawKey() => new()
    {
        [DynamoDbGrainStorage.PartitionKeyAttribute] = new AttributeValue { S = $"churn-tests/{Grain}" },
        [DynamoDbGrainStorage.SortKeyAttribute] = new AttributeValue { S = StateName },
    };

    private async Task<DynamoDbGrainStorage> ReadyStorageAsync(Action<DynamoDbGrainStorageOptions>? configure = null)
    {
        var storage = Storage(out _, configure);
        await storage.EnsureTableAsync(CancellationToken.None);
        return storage;
    }

    private DynamoDbGrainStorage Storage(out string table, Action<DynamoDbGrainStorageOptions>? configure = null)
    {
        table = DynamoDbServer.NewTableName();
        return Storage(table, configure: configure);
    }

    private DynamoDbGrainStorage Storage(string table, Action<DynamoDbGrainStorageOptions>? configure = null, string serviceId = "churn-tests", IAmazonDynamoDB? client = null)
    {
        var options = new DynamoDbGrainStorageOptions { TableName = table };
        configure?.Invoke(options);
        return new DynamoDbGrainStorage(
            "subscribers",
            options,
            client ?? dynamo.Client,
            _services.GetRequiredService<Serializer>(),
            _services.GetRequiredService<IActivatorProvider>(),
            Options.Create(new ClusterOptions { ServiceId = serviceId }),
            TimeProvider.System,
            NullLogger<DynamoDbGrainStorage>.Instance);
    }
}

/// <summary>
/// Passes DynamoDB requests on to dynalite, counting them per operation and how many are in flight at
/// once; told to, it lets a request through and then loses its answer (a 500, as a dropped connection
/// or a timeout looks to the SDK).
/// </summary>
internal sealed class DynamoDbProxy : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new();
    private readonly Uri _target;
    private readonly TimeSpan _delay;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _sent = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _loseAnswerOf = new();
    private readonly Task _serving;
    private int _inFlight;
    private int _mostInFlight;

    private DynamoDbProxy(Uri target, TimeSpan delay)
    {
        (_target, _delay) = (target, delay);
        Url = new Uri($"http://127.0.0.1:{Silo.ChurnHost.FreePort()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public int MostInFlight => Volatile.Read(ref _mostInFlight);

    public static DynamoDbProxy Start(Uri target, TimeSpan? delay = null) => new(target, delay ?? TimeSpan.Zero);

    public int Sent(string operation) => _sent.GetValueOrDefault(operation);

    public void LoseAnswerOfNext(string operation) => _loseAnswerOf.Enqueue(operation);

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        await _serving.ContinueWith(_ => { });
        _upstream.Dispose();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            _ = Task.Run(() => ForwardAsync(context));
        }
    }

    private async Task ForwardAsync(HttpListenerContext context)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var most = Volatile.Read(ref _mostInFlight); inFlight > most && Interlocked.CompareExchange(ref _mostInFlight, inFlight, most) != most; most = Volatile.Read(ref _mostInFlight))
        {
        }

        try
        {
            var target = context.Request.Headers["X-Amz-Target"] ?? "";
            var operation = target[(target.IndexOf('.') + 1)..];
            _sent.AddOrUpdate(operation, 1, (_, n) => n + 1);
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            using var request = new HttpRequestMessage(HttpMethod.Post, _target) { Content = new ByteArrayContent(body.ToArray()) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
            foreach (var name in new[] { "X-Amz-Target", "X-Amz-Date", "Authorization" })
            {
                if (context.Request.Headers[name] is { } value)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }
            }

            await Task.Delay(_delay);
            using var response = await _upstream.SendAsync(request);
            var answer = await response.Content.ReadAsByteArrayAsync();
            var lose = _loseAnswerOf.TryPeek(out var lost) && lost == operation && _loseAnswerOf.TryDequeue(out _);
            context.Response.StatusCode = lose ? 500 : (int)response.StatusCode;
            context.Response.ContentType = "application/x-amz-json-1.0";
            var sent = lose ? Encoding.UTF8.GetBytes("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\",\"message\":\"the answer was lost\"}") : answer;
            await context.Response.OutputStream.WriteAsync(sent);
            context.Response.Close();
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
