using Amazon.DynamoDBv2;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Runtime.Hosting;

namespace ChurnActors.Adapters.Storage;

public static class DynamoDbGrainStorageExtensions
{
    /// <summary>
    /// Adds a named DynamoDB grain storage. The <see cref="IAmazonDynamoDB"/> client comes from the
    /// container; the table is checked (and created if missing) when the silo starts.
    /// </summary>
    public static ISiloBuilder AddDynamoDbGrainStorage(this ISiloBuilder builder, string name, Action<DynamoDbGrainStorageOptions> configure)
    {
        builder.Services.AddOptions<DynamoDbGrainStorageOptions>(name).Configure(configure).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DynamoDbGrainStorageOptions>>(new DynamoDbGrainStorageOptionsValidator(name));
        builder.Services.AddGrainStorage(name, (services, storageName) => ActivatorUtilities.CreateInstance<DynamoDbGrainStorage>(
            services,
            storageName,
            services.GetRequiredService<IOptionsMonitor<DynamoDbGrainStorageOptions>>().Get(storageName)));
        return builder;
    }
}
