using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using ChurnActors.Tests.Silo;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Hostile;

/// <summary>
/// A silo process on DynamoDB loses its storage while subscribers are being engaged and answered,
/// with every category logging at Information and every line it writes captured: no line holds a
/// full phone number, whichever library wrote it (Orleans' grain ids, ASP.NET Core's request paths,
/// exception texts), and repeated errors are limited instead of flooding.
/// </summary>
public sealed partial class StorageOutageLogTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Under_a_storage_outage_no_log_line_holds_a_full_phone_number_and_repeats_are_limited()
    {
        await using var dynalite = await LocalServer.StartDynaliteAsync("--port {port} --createTableMs 0");
        var subscribers = Enumerable.Range(0, 20).Select(i => $"+4474009{70_000 + i:D5}").ToArray();
        await using var silo = await ChurnProcess.StartAsync(new Dictionary<string, string?>
        {
            ["Churn:Storage:Provider"] = "DynamoDb",
            ["Churn:Storage:DynamoDb:ServiceUrl"] = dynalite.Url.ToString(),
            ["Churn:Storage:DynamoDb:TableName"] = DynamoDbServer.NewTableName(),
            ["Churn:ContactPolicy:CallingHours:Start"] = "00:00",
            ["Churn:ContactPolicy:CallingHours:End"] = "1.00:00",
            ["Churn:Simulator:NoAnswerRate"] = "0",
            ["Churn:Simulator:AnswerDelayMin"] = "00:00:01",
            ["Churn:Simulator:AnswerDelayMax"] = "00:00:03",
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
            ["Logging:LogLevel:Orleans"] = "Information",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Information",
        });

        // Healthy first: every subscriber seen, each one engaged and dialled, the answers due during the outage.
        foreach (var msisdn in subscribers)
        {
            await silo.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(msisdn));
        }

        await dynalite.DisposeAsync();
        var statuses = new Dictionary<int, int>();
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < Outage)
        {
            foreach (var msisdn in subscribers)
            {
                var escaped = Uri.EscapeDataString(msisdn);
                foreach (var response in await Task.WhenAll(
                    silo.Http.PostAsJsonAsync("/api/v1/probe-events", new[] { Probe.Event(msisdn, "CALL_DROP", true) }),
                    silo.Http.GetAsync($"/api/v1/subscribers/{escaped}"),
                    silo.Http.PutAsJsonAsync($"/api/v1/subscribers/{escaped}/opt-out", new { optOut = true })))
                {
                    statuses[(int)response.StatusCode] = statuses.GetValueOrDefault((int)response.StatusCode) + 1;
                }
            }

            await Task.Delay(200);
        }

        var lines = silo.AllLines();
        var leaks = lines.Where(line => subscribers.Any(m => Leaks(line, m))).ToList();
        var masked = lines.Count(line => MaskedNumber().IsMatch(line));
        var suppressed = lines.Count(line => line.Contains("more lines like this were left out", StringComparison.Ordinal));
        var problems = lines.Count(line => line.StartsWith("warn: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal));
        output.WriteLine($"{lines.Count} lines in {Outage.TotalSeconds:F0} s of outage (+ start), {problems} warnings and errors among them; {masked} lines with masked numbers; {suppressed} reports of suppressed repeats; answers: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");

        Assert.Empty(leaks.Take(5));
        Assert.True(statuses.GetValueOrDefault(503) > 0, "the outage never reached the API");
        Assert.DoesNotContain(statuses.Keys, status => status == 500);
        Assert.True(masked > 20, $"only {masked} lines name a number at all: the outage was not logged as it would be");
        Assert.True(suppressed > 0, "no repeated error was ever limited");

        // Each kind of warning or error at most 5 times per 10 s: a few hundred entries, where unlimited the
        // same outage wrote tens of thousands. (The many Information lines are ASP.NET Core's own request
        // log, switched on for this test, one entry per request as configured.)
        Assert.InRange(problems, 10, 500);
    }

    /// <summary>The number in full, in any form a log could carry it: E.164, bare digits, URL-encoded.</summary>
    private static bool Leaks(string line, string msisdn) =>
        line.Contains(msisdn, StringComparison.Ordinal)
        || line.Contains(msisdn[1..], StringComparison.Ordinal)
        || line.Contains("%2B" + msisdn[1..], StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\+44\*{6,}\d\d")]
    private static partial Regex MaskedNumber();
}
