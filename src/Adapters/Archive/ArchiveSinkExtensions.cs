using Amazon.S3;
using ChurnActors.Adapters.Aws;
using ChurnActors.Configuration;
using ChurnActors.Grains.Archive;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChurnActors.Adapters.Archive;

/// <summary>Where the archivers write the lake's objects. A host that registered its own <see cref="IArchiveSink"/> keeps it.</summary>
public static class ArchiveSinkExtensions
{
    /// <summary>The lake in S3, as configured under <c>Churn:Archive:S3</c> (validated here), with a readiness check on the bucket.</summary>
    public static IServiceCollection AddS3Archive(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ValidatedOptions.Load<S3ArchiveOptions>(configuration, S3ArchiveOptions.Section);
        services.AddSingleton(options);
        services.TryAddSingleton<IAmazonS3>(_ => AwsClients.S3(options.ServiceUrl, options.Region));
        services.TryAddSingleton<IArchiveSink>(sp => new S3ArchiveSink(sp.GetRequiredService<IAmazonS3>(), options.Bucket!, options.KmsKeyId));

        DependencyHealthCheck.Register(services, "s3", sp => S3ArchiveSink.ReadinessCheck(sp.GetRequiredService<IAmazonS3>(), options.Bucket!));
        return services;
    }

    /// <summary>The lake in a local directory, as configured under <c>Churn:Archive:LocalDirectory</c>.</summary>
    public static IServiceCollection AddLocalDirectoryArchive(this IServiceCollection services, IConfiguration configuration)
    {
        var options = ValidatedOptions.Load<LocalDirectoryArchiveOptions>(configuration, LocalDirectoryArchiveOptions.Section);
        services.AddSingleton(options);
        services.TryAddSingleton<IArchiveSink>(_ => new LocalDirectoryArchiveSink(options.Path));
        return services;
    }
}
