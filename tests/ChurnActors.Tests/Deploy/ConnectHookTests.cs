using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Tests.Silo;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Deploy;

/// <summary>
/// The Lambda hook (deploy/connect-hook) under <c>node --test</c>, with events shaped as Connect sends
/// them, posting to a running gateway whose subscribers have calls placed and not yet answered.
/// </summary>
public sealed class ConnectHookTests
{
    [Fact]
    public async Task The_hook_records_answers_no_input_and_refusals_through_the_gateway()
    {
        await using var silo = await TestSilo.StartAsync(new Dictionary<string, string?>
        {
            // Simulated subscribers never answer: the hook's events are the only answers.
            ["Churn:Simulator:NoAnswerRate"] = "1",
        });
        var (answered, noInput, badDigit) = (Probe.NewMsisdn(), Probe.NewMsisdn(), Probe.NewMsisdn());
        await silo.Http.PostAsJsonAsync("/api/v1/probe-events", new[] { answered, noInput, badDigit }.SelectMany(m => Probe.BadExperience(m)).ToArray());
        var placed = new Dictionary<string, object>();
        foreach (var (name, msisdn) in new[] { ("answered", answered), ("noInput", noInput), ("badDigit", badDigit) })
        {
            var engagement = (await ChurnHost.EventuallyAsync(
                () => ViewAsync(silo, msisdn),
                v => v.Engagements.Single().Status == "placed",
                $"the call to {name} to be placed")).Engagements.Single();
            placed[name] = new { msisdn, engagementId = engagement.EngagementId, contactId = engagement.ContactId };
        }

        var (exitCode, output) = await RunNodeTestsAsync(silo.Http.BaseAddress!, JsonSerializer.Serialize(placed));

        Assert.True(exitCode == 0, output);
        Assert.Contains("# pass 6", output, StringComparison.Ordinal);
        var afterAnswer = await ViewAsync(silo, answered);
        Assert.Equal(8, afterAnswer.Sentiment);
        Assert.Equal(4, Assert.Single(afterAnswer.Feedback).Score);
        Assert.Equal(("no_answer", "no input from the subscriber"), (await ViewAsync(silo, noInput)).Engagements.Select(e => (e.Status, e.Reason)).Single());
        var refused = await ViewAsync(silo, badDigit);
        Assert.Equal("placed", refused.Engagements.Single().Status);
        Assert.Equal(10, refused.Sentiment);
    }

    private static async Task<SubscriberView> ViewAsync(TestSilo silo, string msisdn) =>
        (await silo.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web))!;

    private static async Task<(int ExitCode, string Output)> RunNodeTestsAsync(Uri gateway, string engagements)
    {
        var start = new ProcessStartInfo("node", "--test index.test.mjs")
        {
            WorkingDirectory = Path.Combine(Repository.Root, "deploy", "connect-hook"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment =
            {
                ["CHURN_GATEWAY_URL"] = gateway.ToString(),
                ["CHURN_FEEDBACK_SECRET"] = ChurnHost.FeedbackSecret,
                ["CHURN_TEST_ENGAGEMENTS"] = engagements,
            },
        };
        using var node = Process.Start(start)!;
        var output = node.StandardOutput.ReadToEndAsync();
        var errors = node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (node.ExitCode, await output + await errors);
    }
}
