using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace ChurnActors.Adapters.Memory;

/// <summary>
/// Grain state kept in this process, for a silo that is the whole cluster (the embedded default):
/// each state in Orleans' compact binary form, under a version number every write and clear is
/// conditional on, read and written without a message to any other grain. Durable as the process is:
/// a deactivated grain finds its state again, a restarted process starts empty. A cluster of silos
/// keeps memory state in Orleans' memory storage grains instead, which every silo can reach.
/// </summary>
public sealed class ProcessMemoryGrainStorage(Serializer serializer, IActivatorProvider activators) : IGrainStorage
{
    private readonly ConcurrentDictionary<(GrainId Grain, string State), Stored> _states = new();

    private long _bytes;

    public int Count => _states.Count;

    /// <summary>Bytes of serialized state held now.</summary>
    public long StoredBytes => Interlocked.Read(ref _bytes);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_states.TryGetValue((grainId, stateName), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Data);
            grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = activators.GetActivator<T>().Create();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.SerializeToArray(grainState.State);
        var key = (grainId, stateName);
        var expected = grainState.ETag is null ? 0 : long.Parse(grainState.ETag, CultureInfo.InvariantCulture);
        var next = new Stored(data, expected + 1);
        Stored? current = null;
        var written = expected == 0 ? _states.TryAdd(key, next) : _states.TryGetValue(key, out current) && current.Version == expected && _states.TryUpdate(key, next, current);
        if (!written)
        {
            throw Conflict(stateName, grainId, grainState.ETag);
        }

        Interlocked.Add(ref _bytes, data.Length - (current?.Data.Length ?? 0));

        grainState.ETag = next.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = (grainId, stateName);
        var present = _states.TryGetValue(key, out var current);
        var cleared = grainState.ETag is null
            ? !present
            : present && current!.Version.ToString(CultureInfo.InvariantCulture) == grainState.ETag && _states.TryRemove(KeyValuePair.Create(key, current));
        if (!cleared)
        {
            throw Conflict(stateName, grainId, grainState.ETag);
        }

        if (present)
        {
            Interlocked.Add(ref _bytes, -current!.Data.Length);
        }

        grainState.State = activators.GetActivator<T>().Create();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static InconsistentStateException Conflict(string stateName, GrainId grainId, string? etag) =>
        new($"The state '{stateName}' of grain {grainId.Type} changed since it was read (expected version {etag ?? "none: a new state"}).", "unknown", etag);

    private sealed record Stored(byte[] Data, long Version);
}

public static class ProcessMemoryGrainStorageExtensions
{
    /// <summary>Adds a named grain storage kept in this process (one silo only: see <see cref="ProcessMemoryGrainStorage"/>).</summary>
    public static ISiloBuilder AddProcessMemoryGrainStorage(this ISiloBuilder builder, string name)
    {
        builder.Services.AddGrainStorage(name, (services, _) => ActivatorUtilities.CreateInstance<ProcessMemoryGrainStorage>(services));
        return builder;
    }
}
