using System.Text.Json;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Deploy;

/// <summary>deploy/connect/Subscriber_engagement.json: an importable flow that asks once, retries once, and always reports.</summary>
public sealed class ContactFlowTests
{
    private static readonly string Text = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "connect", "Subscriber_engagement.json"));
    private static readonly JsonElement Flow = JsonDocument.Parse(Text).RootElement;
    private static readonly Dictionary<string, JsonElement> Actions = Flow.GetProperty("Actions").EnumerateArray()
        .ToDictionary(a => a.GetProperty("Identifier").GetString()!);

    [Fact]
    public void Is_flow_language_whose_every_transition_leads_to_an_action_and_every_path_to_the_disconnect()
    {
        Assert.Equal("2019-10-30", Flow.GetProperty("Version").GetString());
        var start = Flow.GetProperty("StartAction").GetString()!;
        Assert.Contains(start, Actions.Keys);
        foreach (var (id, next) in Actions.SelectMany(a => Next(a.Value).Select(n => (a.Key, n))))
        {
            Assert.True(Actions.ContainsKey(next), $"{id} leads to {next}, which is not an action");
        }

        // Depth-first over every path: no loops, and each one ends in the disconnect.
        void Walk(string id, HashSet<string> path)
        {
            Assert.True(path.Add(id), $"the flow loops at {id}");
            var next = Next(Actions[id]).Distinct().ToList();
            if (next.Count == 0)
            {
                Assert.Equal("DisconnectParticipant", Actions[id].GetProperty("Type").GetString());
            }

            foreach (var n in next)
            {
                Walk(n, [.. path]);
            }
        }

        Walk(start, []);
    }

    [Fact]
    public void Asks_for_one_digit_from_1_to_5_and_asks_once_more_when_there_is_none()
    {
        var asks = Actions.Values.Where(a => a.GetProperty("Type").GetString() == "GetParticipantInput").ToList();
        Assert.Equal(2, asks.Count);
        Assert.All(asks, a => Assert.Contains("5", a.GetProperty("Parameters").GetProperty("Text").GetString(), StringComparison.Ordinal));
        var accepted = Actions.Values
            .Where(a => a.GetProperty("Type").GetString() == "Compare")
            .Select(a => a.GetProperty("Transitions").GetProperty("Conditions").EnumerateArray()
                .Where(c => c.GetProperty("NextAction").GetString() == "report-answer")
                .Select(c => c.GetProperty("Condition").GetProperty("Operands")[0].GetString())
                .Order(StringComparer.Ordinal))
            .ToList();
        Assert.Equal(2, accepted.Count);
        Assert.All(accepted, digits => Assert.Equal(["1", "2", "3", "4", "5"], digits));

        // No input the first time leads to the second question; no input again is reported.
        var first = Actions[Flow.GetProperty("StartAction").GetString()!];
        Assert.Equal("ask-impact", first.GetProperty("Transitions").GetProperty("NextAction").GetString());
        Assert.All(Errors(Actions["ask-impact"]), next => Assert.Equal("ask-again", next));
        Assert.All(Errors(Actions["ask-again"]), next => Assert.Equal("report-no-input", next));
    }

    [Fact]
    public void Reports_the_digit_or_its_absence_to_the_hook_as_the_hook_reads_them()
    {
        var answer = Actions["report-answer"].GetProperty("Parameters");
        var noInput = Actions["report-no-input"].GetProperty("Parameters");

        Assert.Equal("${ConnectHookArn}", answer.GetProperty("LambdaFunctionARN").GetString());
        Assert.Equal("${ConnectHookArn}", noInput.GetProperty("LambdaFunctionARN").GetString());
        Assert.Equal("$.StoredCustomerInput", answer.GetProperty("LambdaInvocationAttributes").GetProperty("score").GetString());
        Assert.Equal("answered", answer.GetProperty("LambdaInvocationAttributes").GetProperty("outcome").GetString());
        Assert.Equal("no-input", noInput.GetProperty("LambdaInvocationAttributes").GetProperty("outcome").GetString());
        Assert.False(noInput.GetProperty("LambdaInvocationAttributes").TryGetProperty("score", out _));
        Assert.All([answer, noInput], p => Assert.InRange(int.Parse(p.GetProperty("InvocationTimeLimitSeconds").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 1, 8));
    }

    [Fact]
    public void Sets_no_contact_attribute_so_the_cell_stays_the_one_the_call_was_placed_with()
    {
        Assert.DoesNotContain(Actions.Values, a => a.GetProperty("Type").GetString() == "UpdateContactAttributes");
        Assert.DoesNotContain("713", Text, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Next(JsonElement action)
    {
        var transitions = action.GetProperty("Transitions");
        if (transitions.TryGetProperty("NextAction", out var next))
        {
            yield return next.GetString()!;
        }

        foreach (var name in new[] { "Conditions", "Errors" })
        {
            if (transitions.TryGetProperty(name, out var list))
            {
                foreach (var item in list.EnumerateArray())
                {
                    yield return item.GetProperty("NextAction").GetString()!;
                }
            }
        }
    }

    private static IEnumerable<string> Errors(JsonElement action) =>
        action.GetProperty("Transitions").GetProperty("Errors").EnumerateArray().Select(e => e.GetProperty("NextAction").GetString()!);
}
