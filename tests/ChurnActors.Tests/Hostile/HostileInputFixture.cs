using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Hostile;

/// <summary>A silo of its own for the hostile-input tests, which run one after the other: its lake and counters hold nothing but what they send.</summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    public TestSilo Silo { get; private set; } = null!;

    public async Task InitializeAsync() => Silo = await TestSilo.StartAsync(new Dictionary<string, string?>
    {
        ["Churn:Archive:FlushInterval"] = "00:00:00.500",
        ["Churn:Clustering:ClusterId"] = "churn-hostile",
    });

    public async Task DisposeAsync() => await Silo.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class HostileInputCollection : ICollectionFixture<HostileInputFixture>
{
    public const string Name = "hostile input";
}
