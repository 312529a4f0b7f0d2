using System.Collections.Concurrent;
using ChurnActors.Gateway.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChurnActors.Tests.Gateway.Logging;

/// <summary>The logger factory in front of every provider: what reaches a provider carries no full number, in any part of a line.</summary>
public sealed partial class SafeLoggerFactoryTests
{
    private const string Msisdn = "+447400900700";

    private readonly CapturingProvider _captured = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void Masks_numbers_in_the_message_its_values_its_scopes_and_its_exception()
    {
        using var factory = Factory();
        var logger = factory.CreateLogger("Orleans.Grain");

        using (logger.BeginScope("Activation subscriber/{GrainId}", Msisdn))
        {
            var inner = new InvalidOperationException($"Write of subscriber/{Msisdn} failed");
            LogFailed(logger, $"subscriber/{Msisdn}", 447400900700L, new AggregateException("one failed", inner));
        }

        var entry = Assert.Single(_captured.Entries);
        var everything = string.Join("\n", [entry.Message, entry.Exception ?? "", .. entry.Values.Select(v => $"{v.Key}={v.Value}"), .. entry.Scopes]);
        Assert.DoesNotContain("447400900700", everything, StringComparison.Ordinal);
        Assert.Contains("subscriber/+44********00", entry.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", entry.Exception, StringComparison.Ordinal);
        Assert.Contains("Write of subscriber/+44********00 failed", entry.Exception, StringComparison.Ordinal);
        Assert.Contains(entry.Values, v => v.Key == "{OriginalFormat}" && (string?)v.Value == "Storage of {Grain} failed ({Number})");
        Assert.Contains("Activation subscriber/+44********00", entry.Scopes.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_warnings_are_limited_and_reported_information_is_not()
    {
        using var factory = Factory();
        var logger = factory.CreateLogger("ChurnActors.Tests");

        for (var i = 0; i < 50; i++)
        {
            LogFailed(logger, $"subscriber/{Msisdn}", i, new TimeoutException());
            logger.LogInformation("Batch {Index} taken", i);
        }

        Assert.Equal(RepeatedLogLimiter.LinesPerWindow, _captured.Entries.Count(e => e.Level == LogLevel.Error));
        Assert.Equal(50, _captured.Entries.Count(e => e.Level == LogLevel.Information));

        _time.Advance(RepeatedLogLimiter.Window);
        var report = Assert.Single(_captured.Entries, e => e.Message.Contains("left out", StringComparison.Ordinal));
        Assert.StartsWith("45 more lines like this were left out over 10 s", report.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Error, report.Level);
    }

    private SafeLoggerFactory Factory() => new(
        [_captured],
        new OptionsMonitor(new LoggerFilterOptions { MinLevel = LogLevel.Trace }),
        Options.Create(new LoggerFactoryOptions()),
        _time);

    [LoggerMessage(Level = LogLevel.Error, Message = "Storage of {Grain} failed ({Number})")]
    private static partial void LogFailed(ILogger logger, string grain, long number, Exception exception);

    private sealed record Entry(LogLevel Level, string Message, string? Exception, IReadOnlyList<KeyValuePair<string, object?>> Values, IReadOnlyList<string> Scopes);

    private sealed class CapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                provider._scopes?.ForEachScope((scope, list) => list.Add(scope?.ToString() ?? ""), scopes);
                provider.Entries.Enqueue(new Entry(
                    logLevel,
                    formatter(state, exception),
                    exception?.ToString(),
                    state as IReadOnlyList<KeyValuePair<string, object?>> ?? [],
                    scopes));
            }
        }
    }

    private sealed class OptionsMonitor(LoggerFilterOptions value) : IOptionsMonitor<LoggerFilterOptions>
    {
        public LoggerFilterOptions CurrentValue => value;

        public LoggerFilterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LoggerFilterOptions, string?> listener) => null;
    }
}
