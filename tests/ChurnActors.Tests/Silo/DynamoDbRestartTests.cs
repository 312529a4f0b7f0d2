using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Silo;

/// <summary>With DynamoDB grain storage, a silo that stops and a new one that starts on the same table are one system.</summary>
[Collection(DynamoDbCollection.Name)]
public sealed class DynamoDbRestartTests(DynamoDbServer dynamo)
{
    [Fact]
    public async Task A_new_silo_on_the_same_table_finds_every_profile_engagement_and_sentiment_intact()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Churn:Storage:Provider"] = "DynamoDb",
            ["Churn:Storage:DynamoDb:ServiceUrl"] = dynamo.Url.ToString(),
            ["Churn:Storage:DynamoDb:TableName"] = DynamoDbServer.NewTableName(),
        };
        var engaged = Probe.NewMsisdn();
        var optedOut = Probe.NewMsisdn();
        var quiet = Probe.NewMsisdn();
        var cell = "234-15-RESTART" + Guid.NewGuid().ToString("N")[..4];
        Dictionary<string, string> before;
        string cellBefore;

        await using (var first = await TestSilo.StartAsync(settings))
        {
            await first.Http.PostAsJsonAsync("/api/v1/probe-events", Probe.BadExperience(engaged, cell));
            await first.Http.PutAsJsonAsync($"/api/v1/subscribers/{Uri.EscapeDataString(optedOut)}/opt-out", new { optOut = true });
            await first.Http.PostAsJsonAsync("/api/v1/probe-events", new[]
            {
                Probe.Event(quiet, "LOW_BITRATE", false, cell: cell),
                Probe.Event(quiet, "VIDEO_STALLING", true, cell: cell),
            });
            await ChurnHost.EventuallyAsync(
                () => first.Http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(engaged)}", JsonSerializerOptions.Web),
                v => v!.Feedback.Count == 1,
                "the simulated answer");
            await ChurnHost.EventuallyAsync(
                () => first.Http.GetStringAsync($"/api/v1/cells/{cell}"),
                c => c.Contains("\"feedback\":1", StringComparison.Ordinal),
                "the cell to count the answer");

            before = await ProfilesAsync(first.Http, engaged, optedOut, quiet);
            cellBefore = await first.Http.GetStringAsync($"/api/v1/cells/{cell}");
            await first.StopAsync();
        }

        await using var second = await TestSilo.StartAsync(settings);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await second.Http.GetAsync("/health/ready")).StatusCode);
        var after = await ProfilesAsync(second.Http, engaged, optedOut, quiet);
        var cellAfter = await second.Http.GetStringAsync($"/api/v1/cells/{cell}");

        Assert.Equal(before, after);
        Assert.Equal(Comparable(cellBefore), Comparable(cellAfter));
        var view = JsonSerializer.Deserialize<SubscriberView>(after[engaged], JsonSerializerOptions.Web)!;
        Assert.Equal(8, view.Sentiment);
        Assert.Equal("answered", Assert.Single(view.Engagements).Status);
        Assert.True(JsonSerializer.Deserialize<SubscriberView>(after[optedOut], JsonSerializerOptions.Web)!.OptOut);
    }

    [Fact]
    public async Task The_silo_is_not_ready_while_its_table_does_not_answer()
    {
        using var unreachable = ChurnActors.Adapters.AwsClients.DynamoDb(new Uri($"http://127.0.0.1:{ChurnHost.FreePort()}"), "us-east-1");
        var check = ChurnActors.Adapters.Storage.DynamoDbTables.ReadinessCheck(unreachable, "churn-grain-state");

        var result = await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
        Assert.Contains("churn-grain-state", result.Description, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, string>> ProfilesAsync(HttpClient http, params string[] msisdns)
    {
        var profiles = new Dictionary<string, string>();
        foreach (var msisdn in msisdns)
        {
            profiles[msisdn] = await http.GetStringAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}");
        }

        return profiles;
    }

    /// <summary>A cell's detail without the time it was computed at.</summary>
    private static string Comparable(string cellDetail)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(cellDetail)!;
        node["summary"]!.AsObject().Remove("updatedAt");
        return node.ToJsonString();
    }
}
