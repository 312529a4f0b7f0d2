using System.Diagnostics;
using ChurnActors.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace ChurnActors.Adapters.Storage;

/// <summary>
/// Counts and times every read, write and clear of a grain storage, whatever its provider, into
/// <c>churn.storage.operations</c> (by store, operation and result: ok, conflict, error) and
/// <c>churn.storage.duration</c>. A conflict is Orleans' <see cref="InconsistentStateException"/>: an
/// ETag that no longer matched.
/// </summary>
public sealed class MeteredGrainStorage(string store, IGrainStorage inner, ChurnMetrics metrics) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly KeyValuePair<string, object?> _store = new("churn.store", store);
    private static readonly KeyValuePair<string, object?> Read = new("churn.operation", "read");
    private static readonly KeyValuePair<string, object?> Write = new("churn.operation", "write");
    private static readonly KeyValuePair<string, object?> Clear = new("churn.operation", "clear");
    private static readonly KeyValuePair<string, object?> Ok = new("churn.result", "ok");
    private static readonly KeyValuePair<string, object?> Conflict = new("churn.result", "conflict");
    private static readonly KeyValuePair<string, object?> Error = new("churn.result", "error");

    /// <summary>Wraps the grain storage registered as <paramref name="name"/> (registered before this call).</summary>
    public static void Decorate(IServiceCollection services, string name)
    {
        var registered = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name))
            ?? throw new InvalidOperationException($"No grain storage named '{name}' is registered to meter.");
        var create = registered.KeyedImplementationFactory
            ?? throw new InvalidOperationException($"The grain storage '{name}' is not registered by a factory.");
        services.Remove(registered);
        services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) => new MeteredGrainStorage(name, (IGrainStorage)create(sp, key), sp.GetRequiredService<ChurnMetrics>()));
    }

    /// <summary>The storage this one meters.</summary>
    public IGrainStorage Inner => inner;

    /// <summary>The storage under any metering.</summary>
    public static IGrainStorage Unwrap(IGrainStorage storage) => storage is MeteredGrainStorage metered ? metered.Inner : storage;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        MeasureAsync(Read, inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        MeasureAsync(Write, inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        MeasureAsync(Clear, inner.ClearStateAsync(stateName, grainId, grainState));

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task MeasureAsync(KeyValuePair<string, object?> operation, Task call)
    {
        var started = Stopwatch.GetTimestamp();
        var result = Ok;
        try
        {
            await call;
        }
        catch (InconsistentStateException)
        {
            result = Conflict;
            throw;
        }
        catch
        {
            result = Error;
            throw;
        }
        finally
        {
            metrics.StorageOperations.Add(1, _store, operation, result);
            metrics.StorageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _store, operation);
        }
    }
}
