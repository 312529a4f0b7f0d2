using Microsoft.Extensions.Logging;

namespace ChurnActors.Grains.Cells;

/// <summary>
/// One per cell. Incidents and sentiment arrive one-way from subscribers; the aggregate is reported
/// to the ranking and written to storage at most once a period, whatever the traffic.
/// </summary>
[Orleans.Placement.RandomPlacement]
public sealed partial class CellGrain(
    [PersistentState("cell", CellGrain.StorageName)] IPersistentState<CellAggregate> store,
    TimeProvider time,
    ILogger<CellGrain> logger) : Grain, ICellGrain
{
    public const string StorageName = "cells";
    internal static readonly TimeSpan ReportPeriod = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan WritePeriod = TimeSpan.FromSeconds(10);

    private bool _reportDue;
    private bool _writeDue;
    private DateTimeOffset _lastWrite;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastWrite = time.GetUtcNow();
        this.RegisterGrainTimer(FlushAsync, new GrainTimerCreationOptions(ReportPeriod, ReportPeriod));
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (!_writeDue)
        {
            return;
        }

        try
        {
            await store.WriteStateAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // At most the last write period of aggregates; the silo is usually going down (with
            // in-memory storage, the store may already be gone).
            LogFinalWriteFailed(logger, this.GetPrimaryKeyString(), exception);
        }
    }

    public Task RecordIncidentsAsync(CellIncidents incidents)
    {
        store.State.AddIncidents(
            incidents.Msisdn,
            incidents.At,
            [incidents.CallDrop, incidents.CallQuality, incidents.LowBitrate, incidents.VideoStalling],
            time.GetUtcNow());
        _reportDue = _writeDue = true;
        return Task.CompletedTask;
    }

    public Task RecordSentimentAsync(string msisdn, int changeSentiment, DateTimeOffset at)
    {
        store.State.AddSentiment(msisdn, changeSentiment, at);
        _reportDue = _writeDue = true;
        return Task.CompletedTask;
    }

    public Task<CellDetail> GetDetailAsync(int mostAffected)
    {
        var now = time.GetUtcNow();
        var cell = this.GetPrimaryKeyString();
        return Task.FromResult(new CellDetail(store.State.Summarize(cell, now), store.State.MostAffected(mostAffected, now)));
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_reportDue)
        {
            _reportDue = false;
            await GrainFactory.GetGrain<ICellRankingGrain>(ICellRankingGrain.Key)
                .ReportAsync(store.State.Summarize(this.GetPrimaryKeyString(), now));
        }

        if (_writeDue && now - _lastWrite >= WritePeriod)
        {
            try
            {
                await store.WriteStateAsync(cancellationToken);
                _writeDue = false;
                _lastWrite = now;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogWriteFailed(logger, this.GetPrimaryKeyString(), exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the aggregates of cell {Cell} on deactivation; the last write period of them is lost")]
    private static partial void LogFinalWriteFailed(ILogger logger, string cell, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write the aggregates of cell {Cell}; will retry")]
    private static partial void LogWriteFailed(ILogger logger, string cell, Exception exception);
}
