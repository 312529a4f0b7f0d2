using ChurnActors.Configuration;

namespace ChurnActors.Silo.Configuration;

/// <summary><c>Churn:Storage:Provider</c>: where grain state lives.</summary>
public enum StorageProvider
{
    Memory,
    DynamoDb,
}

/// <summary><c>Churn:Streams:Provider</c>: how probe events and records travel.</summary>
public enum StreamsProvider
{
    Memory,
    Kinesis,
}

/// <summary><c>Churn:Archive:Provider</c>: where the data lake is.</summary>
public enum ArchiveProvider
{
    LocalDirectory,
    S3,
}

/// <summary><c>Churn:Dialer:Provider</c>: who places the calls.</summary>
public enum DialerProvider
{
    Simulated,
    Connect,
}

/// <summary>A section's <c>Provider</c> key: which module serves it.</summary>
public sealed class ProviderChoice<T>
    where T : struct, Enum
{
    public T Provider { get; set; }

    /// <summary>The provider <paramref name="section"/> names (its first when unset); a value that is none stops the build naming the key.</summary>
    public static T Of(IConfiguration configuration, string section) => ValidatedOptions.Load<ProviderChoice<T>>(configuration, section).Provider;
}
