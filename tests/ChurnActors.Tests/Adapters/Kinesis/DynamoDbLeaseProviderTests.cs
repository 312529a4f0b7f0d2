using ChurnActors.Adapters.Kinesis;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Orleans.LeaseProviders;

namespace ChurnActors.Tests.Adapters.Kinesis;

/// <summary>Shard leases on dynalite: one holder at a time, renewed and released only by it, free again once expired.</summary>
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbLeaseProviderTests(DynamoDbServer dynamo)
{
    private static readonly TimeSpan Length = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_lease_has_one_holder_until_it_expires_and_only_its_holder_renews_or_releases_it()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
        var table = DynamoDbServer.NewTableName();
        var first = Provider(table, time);
        var second = Provider(table, time);

        var taken = (await first.Acquire("balancer", [new LeaseRequest("shard-0", Length), new LeaseRequest("shard-1", Length)])).ToList();
        var contested = (await second.Acquire("balancer", [new LeaseRequest("shard-0", Length)])).Single();

        Assert.All(taken, t => Assert.Equal(ResponseCode.OK, t.StatusCode));
        Assert.Equal(ResponseCode.LeaseNotAvailable, contested.StatusCode);
        Assert.Equal("shard-0", contested.AcquiredLease!.ResourceKey);

        // Renewed in time, it stays the first's; renewing with someone else's token is refused.
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(ResponseCode.OK, (await first.Renew("balancer", [taken[0].AcquiredLease!])).Single().StatusCode);
        time.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(ResponseCode.LeaseNotAvailable, (await second.Acquire("balancer", [new LeaseRequest("shard-0", Length)])).Single().StatusCode);
        var forged = new AcquiredLease("shard-0", Length, "not-the-token", time.GetUtcNow().UtcDateTime);
        Assert.Equal(ResponseCode.InvalidToken, (await second.Renew("balancer", [forged])).Single().StatusCode);

        // shard-1 was not renewed: 16 s on, it is free, and the first holder can no longer renew it.
        var takenOver = (await second.Acquire("balancer", [new LeaseRequest("shard-1", Length)])).Single();
        Assert.Equal(ResponseCode.OK, takenOver.StatusCode);
        Assert.Equal(ResponseCode.InvalidToken, (await first.Renew("balancer", [taken[1].AcquiredLease!])).Single().StatusCode);

        // A release by someone who does not hold the lease leaves it; the holder's frees it at once.
        await first.Release("balancer", [taken[1].AcquiredLease!]);
        Assert.Equal(ResponseCode.LeaseNotAvailable, (await first.Acquire("balancer", [new LeaseRequest("shard-1", Length)])).Single().StatusCode);
        await second.Release("balancer", [takenOver.AcquiredLease!]);
        Assert.Equal(ResponseCode.OK, (await first.Acquire("balancer", [new LeaseRequest("shard-1", Length)])).Single().StatusCode);

        // Another category (the other stream provider) is another lease.
        Assert.Equal(ResponseCode.OK, (await second.Acquire("records", [new LeaseRequest("shard-0", Length)])).Single().StatusCode);
    }

    private DynamoDbLeaseProvider Provider(string table, TimeProvider time) =>
        new(dynamo.Client, table, "tests", time, NullLogger<DynamoDbLeaseProvider>.Instance);
}
