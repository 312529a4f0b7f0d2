using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChurnActors.Grains.Dispatch;

/// <summary>
/// Calls the dispatcher from every silo every few seconds, so that once its silo is declared dead a
/// new activation starts on a surviving one and takes its queue up from its state — without waiting
/// for the next subscriber to offer an engagement.
/// </summary>
public sealed partial class DispatcherKeeper(IOutboundDialer dialer, IGrainFactory grains, ILogger<DispatcherKeeper> logger) : BackgroundService
{
    internal static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await grains.GetGrain<IDispatchGrain>(dialer.DispatcherKey).GetSnapshotAsync().WaitAsync(Period, stoppingToken);
                }
                catch (Exception exception) when (exception is not OutOfMemoryException and not OperationCanceledException)
                {
                    // Its silo is being declared dead, or the cluster is starting: the next tick tries again.
                    LogUnreachable(logger, exception.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The dispatcher did not answer its keeper ({Error}); trying again")]
    private static partial void LogUnreachable(ILogger logger, string error);
}
