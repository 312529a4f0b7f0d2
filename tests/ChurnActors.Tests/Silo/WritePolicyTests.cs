using System.Net.Http.Json;
using ChurnActors.Adapters.Storage;
using ChurnActors.Grains.Subscribers;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// The subscriber's write policy, observed in DynamoDB: whatever a call acknowledges is already in
/// the table when it returns; a call that changes nothing writes nothing.
/// </summary>
[Collection(DynamoDbCollection.Name)]
public sealed class WritePolicyTests(DynamoDbServer dynamo) : IAsyncLifetime
{
    private TestSilo _silo = null!;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(new Dictionary<string, string?>
    {
        ["Churn:Storage:Provider"] = "DynamoDb",
        ["Churn:Storage:DynamoDb:ServiceUrl"] = dynamo.Url.ToString(),
        ["Churn:Storage:DynamoDb:TableName"] = DynamoDbServer.NewTableName(),
    });

    public async Task DisposeAsync() => await _silo.DisposeAsync();

    private DynamoDbGrainStorage Storage => (DynamoDbGrainStorage)MeteredGrainStorage.Unwrap(_silo.Services.GetRequiredKeyedService<IGrainStorage>(SubscriberGrain.StorageName));

    [Fact]
    public async Task Accepted_events_are_in_the_table_when_the_batch_is_acknowledged()
    {
        var msisdn = Probe.NewMsisdn();

        var response = await _silo.Http.PostAsJsonAsync("/api/v1/probe-events", new[]
        {
            Probe.Event(msisdn, "CALL_DROP", false),
            Probe.Event(msisdn, "CALL_DROP", true),
        });

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var stored = await StoredAsync(msisdn);
        Assert.Equal((1, 1), stored.Windows[(int)IncidentType.CallDrop]!.Totals(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public async Task An_engagement_is_in_the_table_before_anyone_dials_it()
    {
        var msisdn = Probe.NewMsisdn();

        await _silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn));

        // Acknowledged means written: the engagement is in storage (the simulated call may already have moved it on).
        var engagement = Assert.Single((await StoredAsync(msisdn)).Engagements);
        Assert.Equal(IncidentType.CallDrop, engagement.Type);
    }

    [Fact]
    public async Task One_write_per_subscriber_per_batch_and_none_for_a_batch_of_duplicates_or_a_read()
    {
        var subscribers = Enumerable.Range(0, 5).Select(_ => Probe.NewMsisdn()).ToArray();
        var events = subscribers.SelectMany(m => Enumerable.Range(0, 4).Select(_ => Probe.Event(m, "LOW_BITRATE", false))).ToArray();
        var before = Storage.Writes;

        await _silo.Http.PostAsJsonAsync("/api/v1/probe-events", events);
        var afterBatch = Storage.Writes;
        await _silo.Http.PostAsJsonAsync("/api/v1/probe-events", events);
        await _silo.Http.GetAsync($"/api/v1/subscribers/{Uri.EscapeDataString(subscribers[0])}");

        Assert.Equal(subscribers.Length, afterBatch - before);
        Assert.Equal(afterBatch, Storage.Writes);
    }

    [Fact]
    public async Task Batches_of_one_subscriber_sent_at_once_are_each_in_the_table_when_answered_share_writes_and_engage_it_once()
    {
        var msisdn = Probe.NewMsisdn();
        var events = Enumerable.Range(0, 40).Select(i => Probe.Event(msisdn, "CALL_DROP", fail: i % 3 == 0)).ToArray();
        var before = Storage.Writes;

        // Each event in a batch of its own, all at once: while one write is in flight the others interleave.
        // Every answer means durable: once n batches are answered, the table holds at least n events.
        var answered = 0;
        var shortfalls = await Task.WhenAll(events.Select(async e =>
        {
            var response = await _silo.Http.PostAsJsonAsync("/api/v1/probe-events", new[] { e });
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
            var answeredNow = Interlocked.Increment(ref answered);
            var (ok, failed) = (await StoredAsync(msisdn)).Windows[(int)IncidentType.CallDrop]!.Totals(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(15));
            return answeredNow - (ok + failed);
        }));

        var writes = Storage.Writes - before;
        Assert.True(writes < events.Length, $"{writes} writes for {events.Length} batches: none was shared");
        Assert.All(shortfalls, shortfall => Assert.True(shortfall <= 0, $"{shortfall} answered events were not in the table"));
        var state = await StoredAsync(msisdn);
        Assert.Equal((26, 14), state.Windows[(int)IncidentType.CallDrop]!.Totals(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(15)));
        Assert.Single(state.Engagements);
    }

    private async Task<SubscriberState> StoredAsync(string msisdn)
    {
        var state = new GrainState<SubscriberState>();
        await Storage.ReadStateAsync("subscriber", GrainId.Create("subscriber", msisdn), state);
        Assert.True(state.RecordExists, "the subscriber's state is not in the table");
        return state.State!;
    }
}
