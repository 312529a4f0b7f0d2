using ChurnActors.Gateway.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ChurnActors.Tests.Gateway.Logging;

public sealed class RepeatedLogLimiterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly List<(int Count, TimeSpan Over)> _reports = [];

    [Fact]
    public void Writes_a_kind_of_line_five_times_a_window_and_reports_the_rest_once_the_window_ends()
    {
        var limiter = new RepeatedLogLimiter(_time);
        var admitted = Enumerable.Range(0, 100).Count(_ => Admit(limiter, "storage failed", new TimeoutException()));

        Assert.Equal(RepeatedLogLimiter.LinesPerWindow, admitted);
        limiter.ReportEnded();
        Assert.Empty(_reports);

        _time.Advance(RepeatedLogLimiter.Window);
        limiter.ReportEnded();
        Assert.Equal([(95, RepeatedLogLimiter.Window)], _reports);
        Assert.True(Admit(limiter, "storage failed", new TimeoutException()));
    }

    [Fact]
    public void Kinds_differ_by_category_template_and_exception_type()
    {
        var limiter = new RepeatedLogLimiter(_time);
        for (var i = 0; i < RepeatedLogLimiter.LinesPerWindow; i++)
        {
            Admit(limiter, "storage failed", new TimeoutException());
        }

        Assert.False(Admit(limiter, "storage failed", new TimeoutException()));
        Assert.True(Admit(limiter, "storage failed", new InvalidOperationException()));
        Assert.True(Admit(limiter, "storage failed", null));
        Assert.True(Admit(limiter, "another message", new TimeoutException()));
        Assert.True(limiter.Admit("another category", "storage failed", new TimeoutException(), (c, o) => _reports.Add((c, o))));
    }

    [Fact]
    public void A_window_that_ends_on_the_next_line_reports_before_it()
    {
        var limiter = new RepeatedLogLimiter(_time);
        for (var i = 0; i < 8; i++)
        {
            Admit(limiter, "storage failed", null);
        }

        _time.Advance(TimeSpan.FromSeconds(12));
        Assert.True(Admit(limiter, "storage failed", null));
        Assert.Equal([(3, TimeSpan.FromSeconds(12))], _reports);
    }

    private bool Admit(RepeatedLogLimiter limiter, string template, Exception? exception) =>
        limiter.Admit("ChurnActors.Tests", template, exception, (count, over) => _reports.Add((count, over)));
}
