using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChurnActors.Gateway.Logging;
using ChurnActors.Gateway.Telemetry;
using ChurnActors.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// What an operator watches the cluster with: Prometheus scraping a silo and a gateway (each its own
/// process, so no other test's counts are in theirs), one trace from an ingest to its dial, the
/// scrape endpoint's access, and JSON logs that carry trace ids.
/// </summary>
public sealed class ObservabilityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Prometheus_scrapes_the_silo_and_the_gateway_and_the_churn_metrics_agree_with_the_stats_api_and_carry_no_number()
    {
        var gatewayPort = ChurnHost.FreePort();
        await using var silo = await ChurnProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Churn:Clustering:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Churn:ContactPolicy:CallingHours:Start"] = "00:00",
            ["Churn:ContactPolicy:CallingHours:End"] = "1.00:00",
            ["Churn:Simulator:NoAnswerRate"] = "0",
            ["Churn:Archive:FlushInterval"] = "00:00:01",
            ["Churn:Simulator:AnswerDelayMin"] = "00:00:00.200",
            ["Churn:Simulator:AnswerDelayMax"] = "00:00:00.500",
        });
        await using var gateway = await ChurnProcess.StartGatewayAsync(new Dictionary<string, string?>
        {
            ["Churn:Clustering:GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        });
        await using var prometheus = await PrometheusServer.StartAsync(new Dictionary<string, Uri> { ["silo"] = silo.Address, ["gateway"] = gateway.Address });

        // Simulated traffic, half through each process: a settled population, one subscriber a second
        // whose calls drop (an engagement, a call, an answer), a refused event and a redelivery per batch.
        var traffic = await TrafficAsync(silo.Http, gateway.Http, TimeSpan.FromSeconds(8));
        output.WriteLine($"{traffic.Posted} events posted for {traffic.Numbers.Count} subscribers, {traffic.Engaged} of them driven to an engagement.");

        // Each figure of the stats API equals the sum of its series, once the last answers are in and scraped.
        var stats = await ChurnHost.EventuallyAsync(
            async () => (Stats: await silo.Http.GetFromJsonAsync<StatsSnapshot>("/api/v1/stats", JsonSerializerOptions.Web), Metrics: await ScrapedStatsAsync(prometheus)),
            s => s.Stats!.FeedbackReceived == traffic.Engaged && Agree(s.Stats, s.Metrics),
            "the scraped churn metrics to equal /api/v1/stats, every engagement answered",
            TimeSpan.FromSeconds(60));
        output.WriteLine($"stats: {JsonSerializer.Serialize(stats.Stats)}");
        output.WriteLine($"scraped: {JsonSerializer.Serialize(stats.Metrics)}");
        Assert.True(stats.Stats!.EventsRejected > 0 && stats.Stats.EventsDuplicate > 0 && stats.Stats.CallsPlaced == traffic.Engaged);

        // The rest of what the issue names is there, from the process it belongs to.
        foreach (var (query, what) in new[]
        {
            ("churn_decisions_total{job=\"silo\",churn_outcome=\"engaged\"}", "decisions"),
            ("churn_dial_attempts_total{job=\"silo\",churn_result=\"placed\"}", "dial attempts"),
            ("churn_engagement_dial_request_latency_seconds_count{job=\"silo\"}", "incident → dial request latency"),
            ("churn_engagement_answer_latency_seconds_count{job=\"silo\"}", "decision → answer latency"),
            ("churn_feedback_requests_total{job=\"silo\",churn_outcome=\"recorded\"}", "feedback requests by outcome"),
            ("churn_storage_operations_total{job=\"silo\",churn_store=\"subscribers\",churn_operation=\"write\",churn_result=\"ok\"}", "storage writes"),
            ("churn_storage_duration_seconds_count{job=\"silo\",churn_store=\"subscribers\"}", "storage latency"),
            ("churn_archive_rows_written_total{job=\"silo\"}", "rows written to the lake"),
            ("churn_archive_flush_duration_seconds_count{job=\"silo\"}", "lake flush duration"),
            ("count({job=\"silo\",__name__=~\"orleans_.+\"})", "Orleans' own meters"),
            ("count({job=\"silo\",__name__=~\"dotnet_.+\"})", "runtime metrics"),
            ("http_client_request_duration_seconds_count{job=\"silo\"}", "HttpClient metrics"),
            ("http_server_request_duration_seconds_count{job=\"gateway\",http_route=\"/api/v1/probe-events\"}", "ASP.NET Core metrics of the gateway"),
            ("count({job=\"gateway\",__name__=~\"orleans_.+\"})", "Orleans' client meters in the gateway"),
        })
        {
            Assert.True(await prometheus.ValueAsync(query) > 0, $"no {what}: {query}");
        }

        // The dashboard's every query is one Prometheus takes.
        foreach (var query in DashboardQueries())
        {
            using var answer = await prometheus.Http.GetAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}");
            Assert.True(answer.IsSuccessStatusCode, $"deploy/grafana: {query}: {await answer.Content.ReadAsStringAsync()}");
        }

        // What the traffic did not make happen is there too, at zero or at its level.
        foreach (var series in new[]
        {
            "churn_dial_rate_limit_waits_total", "churn_dial_not_cleared_total", "churn_archive_write_failures_total", "churn_archive_rows_buffered",
            "churn_dispatch_queue_depth", "churn_dispatch_calls_in_flight", "churn_dispatch_oldest_wait_seconds",
        })
        {
            Assert.True(await prometheus.ValueAsync($"count({series}{{job=\"silo\"}})") > 0, $"no {series}");
        }

        Assert.Equal(traffic.Engaged, await prometheus.ValueAsync("sum(churn_dial_attempts_total{churn_result=\"placed\"})"));
        Assert.Equal(1, await prometheus.ValueAsync("count(churn_dispatch_queue_depth)"));
        Assert.Equal(2, await prometheus.ValueAsync("sum(up)"));

        // No series carries a phone number, masked or whole, in any label.
        var labels = await prometheus.AllLabelValuesAsync();
        Assert.True(labels.Count > 500, $"{labels.Count} label values");
        Assert.DoesNotContain(labels, l => PhoneNumberRedaction.Redact(l.Value) != l.Value || traffic.Numbers.Any(n => l.Value.Contains(n[1..], StringComparison.Ordinal)));
    }

    [Fact]
    public async Task One_trace_runs_from_the_probe_event_post_through_the_decision_to_the_dial_and_no_span_names_the_number()
    {
        var spans = new List<Activity>();
        await using var silo = await TestSilo.StartAsync(
            new Dictionary<string, string?>
            {
                ["Churn:Telemetry:Tracing"] = "true",
                ["Churn:Telemetry:TraceSampleRatio"] = "1",
                ["Churn:ContactPolicy:CallingHours:Start"] = "00:00",
                ["Churn:ContactPolicy:CallingHours:End"] = "1.00:00",
            },
            services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));
        var msisdn = Probe.NewMsisdn();

        var posted = await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        // The dial span, wherever the dispatcher ran it, joins the trace of the request that decided it.
        var dial = await ChurnHost.EventuallyAsync(
            () => Task.FromResult(Snapshot(spans).FirstOrDefault(s => s.OperationName == "churn.dial" && Snapshot(spans).Any(r => r.TraceId == s.TraceId && r.Kind == ActivityKind.Server && r.GetTagItem("http.route") as string == "/api/v1/probe-events"))),
            s => s is not null,
            "a dial span in the trace of the probe-events request");
        var trace = Snapshot(spans).Where(s => s.TraceId == dial!.TraceId).ToList();
        output.WriteLine(string.Join("\n", trace.OrderBy(s => s.StartTimeUtc).Select(s => $"{s.Source.Name} {s.Kind} {s.DisplayName} parent {s.ParentSpanId}")));

        // The request (its caller's span is the root here: the test's HttpClient is instrumented too).
        var request = Assert.Single(trace, s => s.Source.Name == "Microsoft.AspNetCore");
        Assert.Equal("/api/v1/probe-events", request.GetTagItem("http.route"));
        Assert.Equal("/api/v1/probe-events", request.GetTagItem("url.path"));
        Assert.Contains(trace, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.DisplayName.Contains("RecordEvents", StringComparison.Ordinal));
        Assert.Contains(trace, s => s.Source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal) && s.DisplayName.Contains("Offer", StringComparison.Ordinal));
        Assert.Equal("placed", dial!.GetTagItem("churn.result"));

        // Every span of the trace but its root hangs off another of it: one tree from the request to the dial.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        var root = Assert.Single(trace, s => !ids.Contains(s.ParentSpanId));
        Assert.True(root == request || root.SpanId == request.ParentSpanId, $"the trace's root is {root.Source.Name} {root.DisplayName}");

        // The answer's own trace: the hook's feedback call (here the simulated subscriber's, over HTTP as
        // Connect's hook makes it) to the subscriber grain that changes the sentiment.
        var answered = await ChurnHost.EventuallyAsync(
            () => Task.FromResult(Snapshot(spans).FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.GetTagItem("http.route") as string == "/api/v1/connect/feedback")),
            s => s is not null,
            "the feedback request's span");
        await ChurnHost.EventuallyAsync(
            () => Task.FromResult(Snapshot(spans).Where(s => s.TraceId == answered!.TraceId).ToList()),
            t => t.Any(s => s.DisplayName.Contains("RecordFeedback", StringComparison.Ordinal) && s.Kind == ActivityKind.Server),
            "the subscriber's RecordFeedback call in the feedback request's trace");
        Assert.Equal(8, (await silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web))!.Sentiment);

        // No span's name or attribute holds the number, whole or as digits.
        var digits = msisdn[1..];
        Assert.All(Snapshot(spans), s =>
        {
            Assert.DoesNotContain(digits, s.DisplayName, StringComparison.Ordinal);
            Assert.All(s.TagObjects, tag => Assert.DoesNotContain(digits, Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task With_the_standard_otlp_endpoint_set_a_silo_sends_its_metrics_and_traces_there()
    {
        // A stand-in for the collector: an OTLP/HTTP receiver that keeps what each path was sent.
        var received = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var receiver = builder.Build();
        receiver.MapPost("/v1/{signal}", async (string signal, Microsoft.AspNetCore.Http.HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            if (request.ContentType == "application/x-protobuf" && body.Length > 0)
            {
                received.AddOrUpdate(signal, 1, (_, n) => n + 1);
            }

            return Microsoft.AspNetCore.Http.Results.Ok();
        });
        await receiver.StartAsync();

        await using var silo = await ChurnProcess.StartAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = TestGateway.AddressOf(receiver).ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
            ["Churn:Telemetry:TraceSampleRatio"] = "1",
        });
        Assert.Equal(HttpStatusCode.Accepted, (await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(Probe.NewMsisdn()))).StatusCode);

        await ChurnHost.EventuallyAsync(
            () => Task.FromResult(received.ToDictionary(r => r.Key, r => r.Value)),
            r => r.GetValueOrDefault("metrics") > 0 && r.GetValueOrDefault("traces") > 0,
            "OTLP metrics and traces at the endpoint",
            TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task The_metrics_endpoint_asks_for_the_operator_unless_opened_to_the_scrapers_network()
    {
        const string password = "an-operator-password-for-metrics";
        await using var closed = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Churn:Gateway:Access:OpenOnLoopback"] = "false",
            ["Churn:Gateway:Access:Password"] = password,
        });
        var refused = await closed.Http.GetAsync(TelemetryHosting.MetricsPath);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        using var asOperator = new HttpRequestMessage(HttpMethod.Get, TelemetryHosting.MetricsPath);
        asOperator.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"operator:{password}")));
        var allowed = await closed.Http.SendAsync(asOperator);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("churn_", await allowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var open = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            ["Churn:Gateway:Access:OpenOnLoopback"] = "false",
            ["Churn:Gateway:Access:Password"] = password,
            ["Churn:Telemetry:MetricsOpenTo"] = "Loopback",
        });
        Assert.Equal(HttpStatusCode.OK, (await open.Http.GetAsync(TelemetryHosting.MetricsPath)).StatusCode);

        // Opening /metrics opens nothing else.
        Assert.Equal(HttpStatusCode.Unauthorized, (await open.Http.GetAsync("/api/v1/stats")).StatusCode);
    }

    [Fact]
    public void The_dashboard_names_only_series_the_code_exports()
    {
        var exported = PrometheusNames();
        // Series names only: label lists (by (...)) and matchers ({...}) taken out first.
        var named = DashboardQueries()
            .Select(q => System.Text.RegularExpressions.Regex.Replace(q, @"by \([^)]*\)|\{[^}]*\}", ""))
            .SelectMany(q => System.Text.RegularExpressions.Regex.Matches(q, @"\bchurn_[a-z_]+").Select(m => m.Value))
            .Distinct()
            .ToList();
        Assert.True(named.Count >= 15, $"{named.Count} churn series on the dashboard");
        Assert.All(named, name => Assert.Contains(name, exported));
    }

    /// <summary>The series names Prometheus gets for each instrument of the churn meter (OpenTelemetry's Prometheus naming).</summary>
    private static HashSet<string> PrometheusNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name != ChurnActors.Telemetry.ChurnMetrics.MeterName)
            {
                return;
            }

            var name = instrument.Name.Replace('.', '_') + instrument.Unit switch { "s" => "_seconds", "ms" => "_milliseconds", _ => "" };
            var type = instrument.GetType().GetGenericTypeDefinition();
            lock (names)
            {
                if (type == typeof(System.Diagnostics.Metrics.Counter<>))
                {
                    names.Add(name + "_total");
                }
                else if (type == typeof(System.Diagnostics.Metrics.Histogram<>))
                {
                    names.UnionWith([name + "_bucket", name + "_sum", name + "_count"]);
                }
                else
                {
                    names.Add(name);
                }
            }
        };
        listener.Start();
        _ = new ChurnActors.Telemetry.ChurnMetrics();
        return names;
    }

    /// <summary>Every query of the Grafana dashboard in deploy/grafana.</summary>
    private static List<string> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "deploy", "grafana", "churn-actors.json")));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)];
    }

    [Theory]
    [InlineData(MetricsOpenTo.None, "127.0.0.1", false)]
    [InlineData(MetricsOpenTo.Loopback, "127.0.0.1", true)]
    [InlineData(MetricsOpenTo.Loopback, "::1", true)]
    [InlineData(MetricsOpenTo.Loopback, "10.0.3.7", false)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "10.0.3.7", true)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "172.16.0.1", true)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "172.31.255.254", true)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "172.32.0.1", false)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "192.168.1.20", true)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "::ffff:192.168.1.20", true)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "fd12:3456::1", true)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "8.8.8.8", false)]
    [InlineData(MetricsOpenTo.PrivateNetwork, "2001:db8::1", false)]
    public void Scrapers_are_let_in_from_the_networks_configured(MetricsOpenTo openTo, string caller, bool letIn) =>
        Assert.Equal(letIn, TelemetryHosting.LetsScrape(openTo, IPAddress.Parse(caller)));

    [Fact]
    public async Task The_images_log_json_one_object_a_line_with_trace_and_span_ids_and_no_number()
    {
        // The logging settings the container images set (Dockerfile, runtime stage), and nothing else of theirs.
        var image = ImageLoggingSettings();
        Assert.Equal("json", image["Logging:Console:FormatterName"]);
        await using var silo = await ChurnProcess.StartAsync(new Dictionary<string, string?>(image)
        {
            ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
            ["Churn:Telemetry:Tracing"] = "true",
        });
        var msisdn = Probe.NewMsisdn();
        Assert.Equal(HttpStatusCode.Accepted, (await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await silo.Http.GetAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}")).StatusCode);

        var lines = await ChurnHost.EventuallyAsync(
            () => Task.FromResult(silo.AllLines()),
            l => l.Any(line => line.Contains("/api/v1/subscribers/", StringComparison.Ordinal) && line.Contains("TraceId", StringComparison.Ordinal)),
            "the request's log line");
        Assert.NotEmpty(lines);
        var objects = lines.Select(line => JsonDocument.Parse(line)).ToList();
        Assert.All(objects, o => Assert.True(o.RootElement.TryGetProperty("LogLevel", out _) && o.RootElement.TryGetProperty("Category", out _)));

        var request = objects.First(o => o.RootElement.GetProperty("Message").GetString()!.Contains("/api/v1/subscribers/", StringComparison.Ordinal));
        var scope = request.RootElement.GetProperty("Scopes").EnumerateArray().First(s => s.TryGetProperty("TraceId", out _));
        Assert.Matches("^[0-9a-f]{32}$", scope.GetProperty("TraceId").GetString());
        Assert.Matches("^[0-9a-f]{16}$", scope.GetProperty("SpanId").GetString());
        Assert.All(lines, line => Assert.DoesNotContain(msisdn[1..], line, StringComparison.Ordinal));
    }

    /// <summary>The <c>Logging__*</c> variables the Dockerfile's runtime stage sets, as configuration keys.</summary>
    private static Dictionary<string, string?> ImageLoggingSettings()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "Dockerfile"));
        var runtime = lines.SkipWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal) || !l.EndsWith(" AS runtime", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => !l.StartsWith("FROM ", StringComparison.Ordinal));
        var joined = string.Join("\n", runtime).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        return joined.Where(l => l.StartsWith("ENV ", StringComparison.Ordinal))
            .SelectMany(l => l[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].StartsWith("Logging__", StringComparison.Ordinal))
            .ToDictionary(pair => pair[0].Replace("__", ":", StringComparison.Ordinal), pair => (string?)pair[1]);
    }

    /// <summary>The stats API's figures, summed from the scraped series of every job.</summary>
    private static async Task<ScrapedStats> ScrapedStatsAsync(PrometheusServer prometheus)
    {
        var into = (await prometheus.QueryAsync("sum by (churn_to) (churn_engagement_transitions_total)")).ToDictionary(s => s.Labels.GetValueOrDefault("churn_to", ""), s => (long)s.Value);
        var outOf = (await prometheus.QueryAsync("sum by (churn_from) (churn_engagement_transitions_total)")).ToDictionary(s => s.Labels.GetValueOrDefault("churn_from", ""), s => (long)s.Value);
        var byStatus = into.Keys.Union(outOf.Keys).Where(s => s != "none")
            .Select(s => (Status: s, Count: into.GetValueOrDefault(s) - outOf.GetValueOrDefault(s)))
            .Where(s => s.Count != 0)
            .ToDictionary(s => s.Status, s => s.Count);
        return new ScrapedStats(
            (long)await prometheus.ValueAsync("sum(churn_probe_events_total{churn_outcome=\"accepted\"})"),
            (long)await prometheus.ValueAsync("sum(churn_probe_events_total{churn_outcome=\"rejected\"})"),
            (long)await prometheus.ValueAsync("sum(churn_probe_events_total{churn_outcome=\"duplicate\"})"),
            byStatus,
            (long)await prometheus.ValueAsync("sum(churn_calls_placed_total)"),
            (long)await prometheus.ValueAsync("sum(churn_feedback_recorded_total)"));
    }

    private static bool Agree(StatsSnapshot? stats, ScrapedStats scraped) =>
        stats is not null
        && stats.EventsAccepted == scraped.EventsAccepted
        && stats.EventsRejected == scraped.EventsRejected
        && stats.EventsDuplicate == scraped.EventsDuplicate
        && stats.CallsPlaced == scraped.CallsPlaced
        && stats.FeedbackReceived == scraped.FeedbackReceived
        && stats.EngagementsByStatus.Count == scraped.EngagementsByStatus.Count
        && stats.EngagementsByStatus.All(s => scraped.EngagementsByStatus.GetValueOrDefault(s.Key) == s.Value);

    /// <summary>
    /// Batches every 200 ms for <paramref name="duration"/>, alternating between the two processes:
    /// 20 healthy sessions of a population of 100, one refused event, one redelivered event, and each
    /// second a subscriber's bad experience.
    /// </summary>
    private static async Task<Traffic> TrafficAsync(HttpClient silo, HttpClient gateway, TimeSpan duration)
    {
        var random = new Random(20261202);
        var population = Enumerable.Range(0, 100).Select(_ => Probe.NewMsisdn()).ToArray();
        var numbers = new List<string>(population);
        var clock = Stopwatch.StartNew();
        object? last = null;
        int posted = 0, engaged = 0;
        for (var batch = 0; clock.Elapsed < duration; batch++)
        {
            var events = new List<object>();
            events.AddRange(Enumerable.Range(0, 20).Select(_ => Probe.Event(population[random.Next(population.Length)], "CALL_QUALITY", fail: false)));
            events.Add(new { eventId = $"refused-{batch}", msisdn = "12", type = "CALL_DROP", status = "FAIL", timestamp = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), cell = "234-15-00TEST1" });
            if (last is not null)
            {
                events.Add(last);
            }

            last = events[0];
            if (batch % 5 == 0)
            {
                var bad = Probe.NewMsisdn();
                numbers.Add(bad);
                events.AddRange(Probe.BadExperience(bad));
                engaged++;
            }

            var response = await (batch % 2 == 0 ? silo : gateway).PostAsJsonAsync("/api/v1/probe-events", events);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            posted += events.Count;
            await Task.Delay(200);
        }

        return new Traffic(posted, numbers, engaged);
    }

    /// <summary>The spans exported so far (the exporter adds to the list as spans end; a copy that raced an add is taken again).</summary>
    private static List<Activity> Snapshot(List<Activity> spans)
    {
        while (true)
        {
            try
            {
                return [.. spans.ToArray().Where(s => s is not null)];
            }
            catch (ArgumentException)
            {
            }
            catch (InvalidOperationException)
            {
            }
        }
    }

    private sealed record Traffic(int Posted, List<string> Numbers, int Engaged);

    private sealed record ScrapedStats(long EventsAccepted, long EventsRejected, long EventsDuplicate, Dictionary<string, long> EngagementsByStatus, long CallsPlaced, long FeedbackReceived);
}
