using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChurnActors.Grains.Stats;

/// <summary>Reports this silo's counters to the cluster-wide stats grain once a second, and a last time on shutdown.</summary>
public sealed partial class StatsReporter(ChurnCounters counters, IGrainFactory grains, ILogger<StatsReporter> logger) : BackgroundService
{
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    /// <summary>A report the stats grain did not take, sent again with the next.</summary>
    private StatsDelta? _unreported;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await ReportAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await ReportAsync();
    }

    private async Task ReportAsync()
    {
        var drained = counters.Drain();
        var delta = _unreported is { } kept ? (drained is null ? kept : kept.Plus(drained)) : drained;
        if (delta is null)
        {
            return;
        }

        try
        {
            await grains.GetGrain<IStatsGrain>(IStatsGrain.Key).AddAsync(delta);
            _unreported = null;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Kept for the next report, so nothing counted is lost.
            _unreported = delta;
            LogReportFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not report counters to the stats grain; they are kept for the next report.")]
    private static partial void LogReportFailed(ILogger logger, Exception exception);
}
