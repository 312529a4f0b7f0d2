using ChurnActors.Adapters.Memory;
using ChurnActors.Adapters.Storage;
using ChurnActors.Configuration;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Cells;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Subscribers;

namespace ChurnActors.Silo.Configuration;

/// <summary>
/// <c>Churn:Storage</c>: where the grains' state lives — memory (in the silo's own process on one
/// loopback silo, in Orleans' storage grains in a cluster) or DynamoDB.
/// </summary>
public static class SiloStorage
{
    public const string Section = "Churn:Storage";

    private static readonly string[] StorageNames = [SubscriberGrain.StorageName, CellGrain.StorageName, ArchiverGrain.StorageName, DispatchGrain.StorageName];

    public static ISiloBuilder AddChurnGrainStorage(this ISiloBuilder silo, IConfiguration configuration, ClusteringOptions clustering)
    {
        var provider = ProviderChoice<StorageProvider>.Of(configuration, Section);

        // State in the activation's own process: a crash loses both, so counting changes may wait for deactivation.
        var inProcess = provider == StorageProvider.Memory && clustering.Provider == ClusteringProvider.Localhost;
        silo.Services.Configure<SubscriberWriteOptions>(writes => writes.IngestedEventsWrittenBehind = inProcess);
        if (provider == StorageProvider.DynamoDb)
        {
            silo.AddDynamoDbGrainStorage(configuration, StorageNames);
        }
        else
        {
            foreach (var name in StorageNames)
            {
                if (inProcess)
                {
                    silo.AddProcessMemoryGrainStorage(name);
                }
                else
                {
                    silo.AddMemoryGrainStorage(name);
                }
            }
        }

        // Every store counted and timed the same way, whichever provider holds it (churn.storage.*).
        foreach (var name in StorageNames)
        {
            MeteredGrainStorage.Decorate(silo.Services, name);
        }

        return silo;
    }
}
