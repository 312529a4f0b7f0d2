using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Gateway.Access;
using ChurnActors.Tests.Silo;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Gateway;

/// <summary>The gateway as its own process would run it on ECS: an Orleans client of the silo.</summary>
[Collection(ChurnHostCollection.Name)]
public sealed class StandaloneGatewayTests(ChurnHost host)
{
    private const string OperatorPassword = "standalone-operator-password";

    [Fact]
    public async Task A_separate_gateway_serves_the_same_cluster()
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?>
        {
            ["Churn:Clustering:GatewayPort"] = host.OrleansGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Churn:Clustering:ClusterId"] = ChurnHost.ClusterId,
            ["Churn:Gateway:Access:Password"] = OperatorPassword,
        });
        var http = gateway.Http;

        // On its own the gateway does not trust loopback: this caller might be any proxy's.
        await ProblemAssert.IsProblemAsync(await http.GetAsync("/api/v1/stats"), HttpStatusCode.Unauthorized, "authentication-required");
        http.DefaultRequestHeaders.Authorization = AuthenticationHeaderValue.Parse(BasicCredentials.Encode("operator", OperatorPassword));

        var msisdn = Probe.NewMsisdn();
        var posted = await http.PostAsJsonAsync("/api/v1/probe-events", new[] { Probe.Event(msisdn, "CALL_QUALITY", true) });

        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready")).StatusCode);
        var throughSilo = await host.GetSubscriberAsync(msisdn);
        Assert.Equal(1, throughSilo!.Types.Single(t => t.Type == "CALL_QUALITY").Failures);
        var throughGateway = await http.GetFromJsonAsync<SubscriberView>($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}", JsonSerializerOptions.Web);
        Assert.Equal(throughSilo.Msisdn, throughGateway!.Msisdn);
        // The page comes with the gateway; the dashboard stays with the silo, and the page hides its link.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dashboard/version")).StatusCode);
    }
}
