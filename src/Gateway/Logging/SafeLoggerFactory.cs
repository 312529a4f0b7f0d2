using System.Collections;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChurnActors.Gateway.Logging;

/// <summary>
/// The process's logger factory, in front of every provider: whatever a line carries — the message,
/// its structured values, its scopes, the exception's text, from the project, ASP.NET Core or
/// Orleans — has its phone numbers masked (<see cref="PhoneNumberRedaction"/>) before any provider
/// sees it, and repeated warnings and errors are limited (<see cref="RepeatedLogLimiter"/>).
/// </summary>
public sealed class SafeLoggerFactory : ILoggerFactory
{
    private readonly LoggerFactory _inner;
    private readonly RepeatedLogLimiter _limiter;
    private readonly ITimer _reporter;

    public SafeLoggerFactory(
        IEnumerable<ILoggerProvider> providers,
        IOptionsMonitor<LoggerFilterOptions> filters,
        IOptions<LoggerFactoryOptions> options,
        TimeProvider time,
        IExternalScopeProvider? scopes = null)
    {
        _inner = new LoggerFactory(providers, filters, options, scopes);
        _limiter = new RepeatedLogLimiter(time);
        _reporter = time.CreateTimer(_ => _limiter.ReportEnded(), null, RepeatedLogLimiter.Window, RepeatedLogLimiter.Window);
    }

    public ILogger CreateLogger(string categoryName) => new SafeLogger(_inner.CreateLogger(categoryName), categoryName, _limiter);

    public void AddProvider(ILoggerProvider provider) => _inner.AddProvider(provider);

    public void Dispose()
    {
        _reporter.Dispose();
        _inner.Dispose();
    }

    private sealed class SafeLogger(ILogger inner, string category, RepeatedLogLimiter limiter) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull =>
            inner.BeginScope(SafeState.Of(state));

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel))
            {
                return;
            }

            var safe = SafeState.Of(state, formatter(state, exception));
            if (logLevel >= LogLevel.Warning
                && !limiter.Admit(category, safe.Template, exception, (count, over) => inner.Log(
                    logLevel,
                    eventId,
                    SafeState.Of(string.Create(CultureInfo.InvariantCulture, $"{count} more lines like this were left out over {over.TotalSeconds:F0} s (repeats are limited to {RepeatedLogLimiter.LinesPerWindow} per {RepeatedLogLimiter.Window.TotalSeconds:F0} s): {safe.Template}")),
                    null,
                    static (s, _) => s.ToString())))
            {
                return;
            }

            inner.Log(logLevel, eventId, safe, exception is null ? null : new RedactedException(exception), static (s, _) => s.ToString());
        }
    }

    /// <summary>A line's structured values and message, phone numbers masked; the template stays as written.</summary>
    private sealed class SafeState : IReadOnlyList<KeyValuePair<string, object?>>
    {
        private const string TemplateKey = "{OriginalFormat}";
        private readonly List<KeyValuePair<string, object?>> _values;
        private readonly string _message;

        private SafeState(List<KeyValuePair<string, object?>> values, string message, string template)
        {
            _values = values;
            _message = message;
            Template = template;
        }

        public string Template { get; }

        public int Count => _values.Count;

        public KeyValuePair<string, object?> this[int index] => _values[index];

        public static SafeState Of(string message) => Of<object?>(null, message);

        public static object Of<TState>(TState state)
            where TState : notnull =>
            state is IEnumerable<KeyValuePair<string, object?>> ? Of(state, state.ToString() ?? "") : PhoneNumberRedaction.Redact(state.ToString() ?? "");

        public static SafeState Of<TState>(TState state, string message)
        {
            var values = new List<KeyValuePair<string, object?>>();
            string? template = null;
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var (key, value) in pairs)
                {
                    if (key == TemplateKey)
                    {
                        template = value as string;
                        values.Add(new(key, value));
                    }
                    else
                    {
                        values.Add(new(key, Safe(value)));
                    }
                }
            }

            var safeMessage = PhoneNumberRedaction.Redact(message);
            return new SafeState(values, safeMessage, template ?? safeMessage);
        }

        public override string ToString() => _message;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _values.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private static object? Safe(object? value) => value switch
        {
            null or bool or double or float or decimal or DateTime or DateTimeOffset or TimeSpan or Guid or Enum => value,
            int or short or byte or uint or ushort or sbyte => value,
            long or ulong when Convert.ToString(value, CultureInfo.InvariantCulture) is { } digits && PhoneNumberRedaction.Redact(digits) is var masked && masked != digits => masked,
            long or ulong => value,
            string text => PhoneNumberRedaction.Redact(text),
            _ => PhoneNumberRedaction.Redact(Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""),
        };
    }

    /// <summary>An exception as the logs see it: its whole text (type, messages, inner exceptions, stack) with phone numbers masked.</summary>
    private sealed class RedactedException(Exception original)
        : Exception(PhoneNumberRedaction.Redact(original.Message))
    {
        private readonly string _text = PhoneNumberRedaction.Redact(original.ToString());

        public override string? StackTrace => null;

        public override string ToString() => _text;
    }
}

public static class SafeLoggingExtensions
{
    /// <summary>Puts <see cref="SafeLoggerFactory"/> in front of the configured logging providers.</summary>
    public static IServiceCollection AddSafeLogging(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory, SafeLoggerFactory>());
        return services;
    }
}
