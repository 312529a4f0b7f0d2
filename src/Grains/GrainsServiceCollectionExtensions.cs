using ChurnActors.Configuration;
using ChurnActors.Grains.Archive;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Grains.Options;
using ChurnActors.Grains.Stats;
using ChurnActors.Grains.Subscribers;
using ChurnActors.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChurnActors.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>
    /// The rules every grain of a silo decides by, validated when the host starts (<c>Churn:Detection</c>,
    /// <c>Churn:ContactPolicy</c>, <c>Churn:Sentiment</c>, <c>Churn:Dialer</c>, <c>Churn:Archive</c>), and
    /// the services the grains share. The dialer, the lake and the record stream come from their modules.
    /// </summary>
    public static IServiceCollection AddChurnGrains(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DetectionOptions>(configuration, DetectionOptions.Section);
        services.AddValidatedOptions<ContactPolicyOptions>(configuration, ContactPolicyOptions.Section);
        services.AddValidatedOptions<SentimentOptions>(configuration, SentimentOptions.Section);
        services.AddValidatedOptions<DialerOptions>(configuration, DialerOptions.Section);
        services.AddValidatedOptions<ArchiveOptions>(configuration, ArchiveOptions.Section);
        services.AddOptions<SubscriberWriteOptions>();

        // A subscriber whose engagement waits for the dispatcher checks on it every 15 s (see
        // SubscriberGrain.AwaitingDispatchPeriod); Orleans refuses periods under its minimum.
        services.Configure<Orleans.Hosting.ReminderOptions>(options =>
            options.MinimumReminderPeriod = options.MinimumReminderPeriod < SubscriberGrain.AwaitingDispatchPeriod ? options.MinimumReminderPeriod : SubscriberGrain.AwaitingDispatchPeriod);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SubscriberRules>();
        services.AddSingleton<GrainReferences>();
        services.AddSingleton<UnwrittenSubscribers>();
        services.AddMetrics();
        services.TryAddSingleton<ChurnMetrics>();
        services.AddSingleton<ChurnCounters>();
        services.TryAddSingleton<IRecordPublisher, StreamRecordPublisher>();
        services.AddHostedService<StatsReporter>();
        services.AddHostedService<DispatcherKeeper>();
        return services;
    }
}
