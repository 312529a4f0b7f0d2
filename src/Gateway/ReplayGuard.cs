namespace ChurnActors.Gateway;

/// <summary>
/// Refuses a signed feedback request presented before, whichever gateway saw it first: the
/// signatures live in the cluster (<see cref="IReplayGuardGrain"/>), not in this process, so any
/// number of gateways can run behind the load balancer.
/// </summary>
public sealed class ReplayGuard(IGrainFactory grains)
{
    /// <summary>True the first time a signature is presented in the cluster; false for a replay.</summary>
    public Task<bool> TryAcceptAsync(string signature)
    {
        var normalized = signature.ToLowerInvariant();
        var partition = Fnv1a.Hash32(normalized) % IReplayGuardGrain.Partitions;
        return grains.GetGrain<IReplayGuardGrain>(partition).TryAcceptAsync(normalized);
    }
}
