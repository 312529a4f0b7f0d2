using System.Collections.Concurrent;

namespace ChurnActors.Gateway.Logging;

/// <summary>
/// Keeps an outage from flooding the logs: of warnings and errors with the same category, message
/// template and exception type, at most <see cref="LinesPerWindow"/> are written per
/// <see cref="Window"/>; the rest are counted, and one line per window says how many were left out.
/// </summary>
public sealed class RepeatedLogLimiter(TimeProvider time)
{
    public const int LinesPerWindow = 5;
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    /// <summary>Distinct kinds of line tracked at once; past it, the oldest windows are let go.</summary>
    private const int MaxKinds = 10_000;

    private readonly ConcurrentDictionary<(string Category, string Template, string? Exception), Kind> _kinds = new();

    /// <summary>Whether to write this line; false means it is counted as suppressed instead.</summary>
    public bool Admit(string category, string template, Exception? exception, Action<int, TimeSpan> reportSuppressed)
    {
        var now = time.GetUtcNow();
        var kind = _kinds.GetOrAdd((category, template, exception?.GetType().FullName), _ => new Kind(now, reportSuppressed));
        lock (kind)
        {
            if (now - kind.WindowStart >= Window)
            {
                kind.ReportAndRestart(now);
            }

            if (kind.Written < LinesPerWindow)
            {
                kind.Written++;
                return true;
            }

            kind.Suppressed++;
            return false;
        }
    }

    /// <summary>Reports what windows that have ended left out; run every few seconds.</summary>
    public void ReportEnded()
    {
        var now = time.GetUtcNow();
        foreach (var (key, kind) in _kinds)
        {
            lock (kind)
            {
                if (now - kind.WindowStart < Window)
                {
                    continue;
                }

                var quiet = kind.Written == 0 && kind.Suppressed == 0;
                kind.ReportAndRestart(now);
                if (quiet || _kinds.Count > MaxKinds)
                {
                    _kinds.TryRemove(key, out _);
                }
            }
        }
    }

    private sealed class Kind(DateTimeOffset start, Action<int, TimeSpan> report)
    {
        public DateTimeOffset WindowStart { get; private set; } = start;

        public int Written { get; set; }

        public int Suppressed { get; set; }

        public void ReportAndRestart(DateTimeOffset now)
        {
            if (Suppressed > 0)
            {
                report(Suppressed, now - WindowStart);
            }

            (WindowStart, Written, Suppressed) = (now, 0, 0);
        }
    }
}
