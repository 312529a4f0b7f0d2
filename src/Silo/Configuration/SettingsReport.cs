using ChurnActors.Adapters.Archive;
using ChurnActors.Adapters.Connect;
using ChurnActors.Adapters.Kinesis;
using ChurnActors.Adapters.Storage;
using ChurnActors.Configuration;
using ChurnActors.Gateway;
using ChurnActors.Grains.Options;
using Microsoft.Extensions.Options;

namespace ChurnActors.Silo.Configuration;

/// <summary>
/// Logs, when the silo starts, the settings it runs with: each section's provider and the options of
/// the modules it chose, secrets and phone numbers redacted (<see cref="RedactAttribute"/>).
/// </summary>
public sealed partial class SettingsReport(IServiceProvider services, IConfiguration configuration, ILogger<SettingsReport> logger) : IHostedService
{
    /// <summary>Each section with the options it was read into, the chosen modules' only.</summary>
    public IReadOnlyList<(string Section, string Settings)> Sections()
    {
        var sections = new List<(string, string)>
        {
            (ClusteringOptions.Section, OptionsText.Describe(services.GetRequiredService<ClusteringOptions>())),
        };
        foreach (var (section, provider) in new[]
        {
            (SiloStorage.Section, configuration[$"{SiloStorage.Section}:Provider"]),
            (SiloStreams.Section, configuration[$"{SiloStreams.Section}:Provider"]),
            (SiloArchive.Section, configuration[$"{SiloArchive.Section}:Provider"]),
            (SiloDialer.Section, configuration[$"{SiloDialer.Section}:Provider"]),
        })
        {
            sections.Add(($"{section}:Provider", provider ?? "(default)"));
        }

        Add<DynamoDbStorageOptions>(sections, DynamoDbStorageOptions.Section);
        Add<KinesisStreamsOptions>(sections, KinesisStreamsOptions.Section);
        Add<S3ArchiveOptions>(sections, S3ArchiveOptions.Section);
        Add<LocalDirectoryArchiveOptions>(sections, LocalDirectoryArchiveOptions.Section);
        Add<ConnectDialerOptions>(sections, ConnectDialerOptions.Section);
        sections.Add((DetectionOptions.Section, OptionsText.Describe(services.GetRequiredService<IOptions<DetectionOptions>>().Value)));
        sections.Add((ContactPolicyOptions.Section, OptionsText.Describe(services.GetRequiredService<IOptions<ContactPolicyOptions>>().Value)));
        sections.Add((SentimentOptions.Section, OptionsText.Describe(services.GetRequiredService<IOptions<SentimentOptions>>().Value)));
        sections.Add((DialerOptions.Section, OptionsText.Describe(services.GetRequiredService<IOptions<DialerOptions>>().Value)));
        sections.Add((ArchiveOptions.Section, OptionsText.Describe(services.GetRequiredService<IOptions<ArchiveOptions>>().Value)));
        sections.Add((GatewayOptions.Section, OptionsText.Describe(services.GetRequiredService<IOptions<GatewayOptions>>().Value)));
        sections.Add((SimulatorOptions.Section, OptionsText.Describe(services.GetRequiredService<IOptions<SimulatorOptions>>().Value)));
        return sections;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (section, settings) in Sections())
        {
            LogSection(logger, section, settings);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Add<T>(List<(string, string)> sections, string section)
        where T : class
    {
        if (services.GetService<T>() is { } options)
        {
            sections.Add((section, OptionsText.Describe(options)));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Section}: {Settings}")]
    private static partial void LogSection(ILogger logger, string section, string settings);
}

public static class SettingsReportExtensions
{
    public static IServiceCollection AddSettingsReport(this IServiceCollection services) =>
        services.AddSingleton<SettingsReport>().AddHostedService(sp => sp.GetRequiredService<SettingsReport>());
}
