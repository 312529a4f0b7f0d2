using System.Reflection;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace ChurnActors.Silo.Health;

/// <summary>
/// The Orleans Dashboard's metric collection, run only while someone has the dashboard open.
/// <para>
/// The dashboard collects every Orleans instrument once a second from the silo's start; one of them
/// walks every activation, and while anything listens every Orleans instrument records on the message
/// path — together a tenth of a busy silo's CPU at 100 000 subscribers, spent on a page nobody reads.
/// The dashboard already knows when it is watched: a query enables its grain-call profiler on every
/// silo, and a minute without one disables it. This service follows that switch: it stops the
/// dashboard's own collection at start, and collects (the same meter, reader and exporter) only
/// while the profiler is enabled. The dashboard's types are internal: they are found by name, and
/// the silo refuses to start if this version of the package does not have them.
/// </para>
/// </summary>
public sealed partial class DashboardMetrics(IServiceProvider services, ILogger<DashboardMetrics> logger) : BackgroundService
{
    internal static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);

    private const string Assembly = "Orleans.Dashboard";
    private const string HostType = "Orleans.Dashboard.DashboardHost";
    private const string ExporterType = "Orleans.Dashboard.Implementation.DashboardTelemetryExporter";
    private const string ProfilerType = "Orleans.Dashboard.Metrics.IGrainProfiler";

    private readonly Internals _internals = Internals.Find();
    private MeterProvider? _collecting;

    /// <summary>Whether the dashboard's metrics are being collected now.</summary>
    public bool Collecting => Volatile.Read(ref _collecting) is not null;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Hosted services start in order: the dashboard's host has created its collection by now.
        var host = services.GetServices<IHostedService>().SingleOrDefault(s => s.GetType() == _internals.Host)
            ?? throw new InvalidOperationException($"{HostType} is not among the hosted services: add the dashboard before {nameof(DashboardMetrics)}.");
        var own = (MeterProvider?)_internals.HostProvider.GetValue(host);
        _internals.HostProvider.SetValue(host, null);
        own?.Dispose();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var profiler = services.GetRequiredService(_internals.Profiler);
        using var timer = new PeriodicTimer(CheckEvery);
        try
        {
            do
            {
                var watched = (bool)_internals.ProfilerEnabled.GetValue(profiler)!;
                if (watched && _collecting is null)
                {
                    var exporter = (BaseExporter<Metric>)ActivatorUtilities.CreateInstance(services, _internals.Exporter);
                    Volatile.Write(ref _collecting, Sdk.CreateMeterProviderBuilder()
                        .AddMeter("Orleans")
                        .AddReader(new PeriodicExportingMetricReader(exporter, exportIntervalMilliseconds: 1000, exportTimeoutMilliseconds: 1000))
                        .Build());
                    LogWatched(logger);
                }
                else if (!watched && _collecting is { } collecting)
                {
                    Volatile.Write(ref _collecting, null);
                    collecting.Dispose();
                    LogUnwatched(logger);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        Interlocked.Exchange(ref _collecting, null)?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The dashboard is open: collecting Orleans metrics for it")]
    private static partial void LogWatched(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Nobody has looked at the dashboard for a while: no longer collecting Orleans metrics for it")]
    private static partial void LogUnwatched(ILogger logger);

    private sealed record Internals(Type Host, FieldInfo HostProvider, Type Exporter, Type Profiler, PropertyInfo ProfilerEnabled)
    {
        public static Internals Find()
        {
            var assembly = typeof(Orleans.Dashboard.DashboardOptions).Assembly;
            var host = Required(assembly.GetType(HostType), HostType);
            var exporter = Required(assembly.GetType(ExporterType), ExporterType);
            var profiler = Required(assembly.GetType(ProfilerType), ProfilerType);
            return new Internals(
                host,
                Required(host.GetField("_meterProvider", BindingFlags.Instance | BindingFlags.NonPublic), $"{HostType}._meterProvider"),
                typeof(BaseExporter<Metric>).IsAssignableFrom(exporter) ? exporter : throw Missing($"{ExporterType} as a metric exporter"),
                profiler,
                Required(profiler.GetProperty("IsEnabled"), $"{ProfilerType}.IsEnabled"));
        }

        private static T Required<T>(T? member, string name) where T : class => member ?? throw Missing(name);

        private static InvalidOperationException Missing(string name) =>
            new($"This version of {Assembly} has no {name}; {nameof(DashboardMetrics)} needs it to collect dashboard metrics only while the dashboard is watched.");
    }
}

public static class DashboardMetricsExtensions
{
    /// <summary>After the silo (and the dashboard's own host, which this pauses until someone opens the dashboard).</summary>
    public static IServiceCollection AddDashboardMetrics(this IServiceCollection services)
    {
        services.AddSingleton<DashboardMetrics>();
        services.AddHostedService(provider => provider.GetRequiredService<DashboardMetrics>());
        return services;
    }
}
