using Amazon.DynamoDBv2;
using ChurnActors.Adapters.Aws;
using ChurnActors.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    /// <summary>
    /// The grain storages <paramref name="names"/> on the DynamoDB of <c>Churn:Storage:DynamoDb</c>
    /// (validated here), one table for all of them, with a readiness check on the table. A host that
    /// registered its own <see cref="IAmazonDynamoDB"/> keeps it; the stream checkpoints use the same.
    /// </summary>
    public static ISiloBuilder AddDynamoDbGrainStorage(this ISiloBuilder builder, IConfiguration configuration, params string[] names)
    {
        var options = ValidatedOptions.Load<DynamoDbStorageOptions>(configuration, DynamoDbStorageOptions.Section);
        builder.Services.AddSingleton(options);
        builder.Services.TryAddSingleton<IAmazonDynamoDB>(_ => AwsClients.DynamoDb(options.ServiceUrl, options.Region));
        foreach (var name in names)
        {
            builder.AddDynamoDbGrainStorage(name, storage =>
            {
                storage.TableName = options.TableName;
                storage.MaxConcurrentRequests = options.MaxConcurrentRequests;
            });
        }

        DependencyHealthCheck.Register(builder.Services, "dynamodb", sp => DynamoDbTables.ReadinessCheck(sp.GetRequiredService<IAmazonDynamoDB>(), options.TableName));
        return builder;
    }
}
