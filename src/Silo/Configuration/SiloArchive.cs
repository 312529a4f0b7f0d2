using ChurnActors.Adapters.Archive;

namespace ChurnActors.Silo.Configuration;

/// <summary><c>Churn:Archive:Provider</c>: the data lake in a local directory (the embedded default) or in S3.</summary>
public static class SiloArchive
{
    public const string Section = "Churn:Archive";

    public static IServiceCollection AddChurnArchive(this IServiceCollection services, IConfiguration configuration) =>
        ProviderChoice<ArchiveProvider>.Of(configuration, Section) switch
        {
            ArchiveProvider.S3 => services.AddS3Archive(configuration),
            _ => services.AddLocalDirectoryArchive(configuration),
        };
}
