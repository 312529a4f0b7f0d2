using ChurnActors.Adapters.Kinesis;
using ChurnActors.Grains.Subscribers;
using Orleans.Runtime.Services;
using Orleans.Services;

namespace ChurnActors.Silo.Configuration;

/// <summary>Each silo's subscribers that counted probe-stream events not written yet.</summary>
[Alias("churn.unwritten-subscribers-service")]
public interface IUnwrittenSubscribersService : IGrainService
{
    /// <summary>Writes them all; returns the silo's count of writes lost on deactivation so far.</summary>
    [Alias("Flush")]
    Task<long> FlushAsync();
}

internal sealed class UnwrittenSubscribersService(GrainId id, Orleans.Runtime.Silo silo, ILoggerFactory loggers, UnwrittenSubscribers unwritten)
    : GrainService(id, silo, loggers), IUnwrittenSubscribersService
{
    public async Task<long> FlushAsync()
    {
        // Read before flushing: a loss during the flush is seen at the next checkpoint at the latest.
        var losses = unwritten.Losses;
        await unwritten.FlushAsync(CancellationToken.None);
        return losses;
    }
}

internal sealed class UnwrittenSubscribersClient(IServiceProvider services)
    : GrainServiceClient<IUnwrittenSubscribersService>(services)
{
    public IUnwrittenSubscribersService On(SiloAddress silo) => GetGrainService(silo);
}

/// <summary>
/// The probe stream's checkpoint passes a record only when what subscribers counted from it is
/// written: every active silo flushes its unwritten subscribers first. If a silo left the cluster
/// since the last checkpoint (what it held unwritten went with it), or lost a write on deactivation,
/// the barrier says so and the shard is read again from its checkpoint; what was written already is
/// absorbed by event id. One per receiver: each remembers what it saw at its own last checkpoint.
/// </summary>
internal sealed class SubscriberFlushBarrier(IClusterMembershipService membership, UnwrittenSubscribersClient silos) : IKinesisCheckpointBarrier
{
    /// <summary>Silos not active at the last checkpoint (or when reading began).</summary>
    private HashSet<SiloAddress> _gone = Gone(membership.CurrentSnapshot);

    /// <summary>Each active silo's lost writes at the last checkpoint.</summary>
    private Dictionary<SiloAddress, long> _losses = [];

    public IKinesisCheckpointBarrier ForReceiver() => new SubscriberFlushBarrier(membership, silos);

    public async Task<bool> BeforeCheckpointAsync(CancellationToken cancellationToken)
    {
        var snapshot = membership.CurrentSnapshot;
        var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
        var flushed = await Task.WhenAll(active.Select(async silo => (Silo: silo, Losses: await silos.On(silo).FlushAsync().WaitAsync(cancellationToken))));

        var gone = Gone(snapshot);
        var departed = gone.Except(_gone).ToList();
        var lost = flushed.Where(f => f.Losses > _losses.GetValueOrDefault(f.Silo)).ToList();
        _gone = gone;
        _losses = flushed.ToDictionary(f => f.Silo, f => f.Losses);
        return departed.Count == 0 && lost.Count == 0;
    }

    private static HashSet<SiloAddress> Gone(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status is SiloStatus.ShuttingDown or SiloStatus.Stopping or SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();
}
