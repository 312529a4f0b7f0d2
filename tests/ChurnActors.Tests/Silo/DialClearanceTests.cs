using System.Collections.Concurrent;
using System.Net.Http.Json;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Records;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// The dial does not wait for what follows the write of the engagement: the clearance interleaves
/// with the call that offered it and is answered once the clearance is written; the records of both
/// still reach the stream after, in the order they were made.
/// </summary>
public sealed class DialClearanceTests
{
    [Fact]
    public async Task An_engagement_is_dialled_while_its_records_are_still_on_the_way_to_the_lake_and_they_arrive_in_order()
    {
        var publisher = new HeldPublisher();
        var dialer = new Dialled();
        await using var silo = await TestSilo.StartAsync(new Dictionary<string, string?>(), services =>
        {
            services.AddSingleton<IRecordPublisher>(publisher);
            services.AddSingleton<IOutboundDialer>(dialer);
        });
        var msisdn = Probe.NewMsisdn();

        // The record stream takes nothing until released: the batch that engages cannot finish.
        var posting = silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn));
        var request = await ChurnHost.EventuallyAsync(() => Task.FromResult(dialer.Requests.FirstOrDefault(r => r.Msisdn == msisdn)), r => r is not null, "the dial request", TimeSpan.FromSeconds(20));
        Assert.False(posting.IsCompleted, "the batch was answered before its records were published");
        Assert.True(publisher.Held > 0, "nothing was waiting for the record stream");

        publisher.Release();
        using var response = await posting;
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);

        var statuses = await ChurnHost.EventuallyAsync(
            () => Task.FromResult(publisher.Published.OfType<EngagementRecord>().Where(r => r.EngagementId == request!.EngagementId).Select(r => r.Status).ToList()),
            s => s.Count >= 2,
            "the engagement's records");
        Assert.Equal([EngagementStatus.Pending, EngagementStatus.Dialing], statuses.Take(2));
        Assert.Single(dialer.Requests, r => r.Msisdn == msisdn);
    }

    /// <summary>A record stream that holds every batch until released, then keeps what it took, in order.</summary>
    private sealed class HeldPublisher : IRecordPublisher
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentQueue<ChurnRecord> _published = new();
        private int _held;

        public int Held => Volatile.Read(ref _held);

        public IReadOnlyCollection<ChurnRecord> Published => _published;

        public void Release() => _released.TrySetResult();

        public async Task PublishAsync(string partitionKey, RecordBatch batch)
        {
            Interlocked.Increment(ref _held);
            await _released.Task;
            foreach (var record in batch.Records)
            {
                _published.Enqueue(record);
            }
        }
    }

    private sealed class Dialled : IOutboundDialer
    {
        private readonly ConcurrentQueue<DialRequest> _requests = new();

        public IReadOnlyCollection<DialRequest> Requests => _requests;

        public Task<DialResult> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken)
        {
            _requests.Enqueue(request);
            return Task.FromResult(DialResult.Placed("contact-" + request.EngagementId));
        }
    }
}
