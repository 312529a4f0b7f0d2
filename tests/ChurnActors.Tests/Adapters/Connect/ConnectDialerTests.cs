using ChurnActors.Adapters.Aws;
using ChurnActors.Adapters.Connect;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Grains.Options;
using ChurnActors.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChurnActors.Tests.Adapters.Connect;

/// <summary>StartOutboundVoiceContact over the wire, against a stand-in that checks every signature on its own.</summary>
[Collection(ConnectCollection.Name)]
public sealed class ConnectDialerTests(ConnectStandIn connect)
{
    [Fact]
    public async Task Places_a_signed_call_with_the_engagement_as_client_token_and_attributes()
    {
        var instance = NewInstance();
        var request = Request("+447700912345");

        var result = await Dialer(instance).PlaceCallAsync(request, CancellationToken.None);

        Assert.Equal(DialResultKind.Placed, result.Kind);
        var sent = Assert.Single(await connect.RequestsAsync(instance));
        Assert.True(sent.SignatureValid);
        Assert.Equal(result.ContactId, sent.ContactId);
        Assert.Equal((request.EngagementId, "+447700912345", "flow-1", "+441632960000"), (sent.ClientToken, sent.Destination, sent.ContactFlowId, sent.Source));
        Assert.Equal(
            new Dictionary<string, string> { ["engagementId"] = request.EngagementId, ["incidentType"] = "CALL_DROP", ["cell"] = "234-15-00A1B2C", ["failRate"] = "0.4" },
            sent.Attributes);
    }

    [Fact]
    public async Task Asking_twice_for_one_engagement_gets_one_contact()
    {
        var instance = NewInstance();
        var request = Request("+447700912346");
        var dialer = Dialer(instance);

        var first = await dialer.PlaceCallAsync(request, CancellationToken.None);
        var second = await dialer.PlaceCallAsync(request, CancellationToken.None);

        Assert.Equal(first.ContactId, second.ContactId);
        Assert.All(await connect.RequestsAsync(instance), r => Assert.Equal(request.EngagementId, r.ClientToken));
    }

    [Fact]
    public async Task A_session_token_is_sent_and_signed()
    {
        var instance = NewInstance();
        var withToken = ConnectStandIn.Credentials with { SessionToken = "session-token-from-the-task-role" };

        var result = await Dialer(instance, withToken).PlaceCallAsync(Request("+447700912347"), CancellationToken.None);

        Assert.Equal(DialResultKind.Placed, result.Kind);
        Assert.True(Assert.Single(await connect.RequestsAsync(instance)).SignatureValid);
    }

    [Fact]
    public async Task A_request_signed_with_other_credentials_is_refused_for_good()
    {
        var instance = NewInstance();

        var result = await Dialer(instance, new SigV4Credentials("AKIDOTHER", "not-the-secret")).PlaceCallAsync(Request("+447700912348"), CancellationToken.None);

        Assert.Equal(DialResultKind.Terminal, result.Kind);
        Assert.Contains("InvalidSignatureException (403)", result.Reason, StringComparison.Ordinal);
        Assert.False(Assert.Single(await connect.RequestsAsync(instance)).SignatureValid);
    }

    [Theory]
    [InlineData("+447700911403", DialResultKind.Terminal, "DestinationNotAllowedException (403)")]
    [InlineData("+447700911429", DialResultKind.Retryable, "TooManyRequestsException (429)")]
    [InlineData("+447700911500", DialResultKind.Retryable, "InternalServiceException (500)")]
    public async Task Connect_errors_are_told_apart_by_type(string destination, DialResultKind kind, string reason)
    {
        var result = await Dialer(NewInstance()).PlaceCallAsync(Request(destination), CancellationToken.None);

        Assert.Equal(kind, result.Kind);
        Assert.Contains(reason, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_network_fault_surfaces_for_the_dispatcher_to_retry()
    {
        var unreachable = new ConnectDialerOptions
        {
            ServiceUrl = new Uri($"http://127.0.0.1:{Silo.ChurnHost.FreePort()}"),
            Region = ConnectStandIn.Region,
            InstanceId = NewInstance(),
            ContactFlowId = "flow-1",
            SourcePhoneNumber = "+441632960000",
        };
        using var http = new HttpClient();
        var dialer = new ConnectDialer(http, unreachable, new StaticCredentialSource(ConnectStandIn.Credentials), TimeProvider.System, NullLogger<ConnectDialer>.Instance);

        await Assert.ThrowsAsync<HttpRequestException>(() => dialer.PlaceCallAsync(Request("+447700912349"), CancellationToken.None));
    }

    private static string NewInstance() => "instance-" + Guid.NewGuid().ToString("N")[..8];

    private static DialRequest Request(string msisdn) =>
        new(EngagementIds.New(msisdn), msisdn, IncidentType.CallDrop, "234-15-00A1B2C", 0.4, 0.48, DateTimeOffset.UtcNow);

    private ConnectDialer Dialer(string instance, SigV4Credentials? credentials = null) => new(
        new HttpClient(),
        new ConnectDialerOptions
        {
            ServiceUrl = connect.Url,
            Region = ConnectStandIn.Region,
            InstanceId = instance,
            ContactFlowId = "flow-1",
            SourcePhoneNumber = "+441632960000",
        },
        new StaticCredentialSource(credentials ?? ConnectStandIn.Credentials),
        TimeProvider.System,
        NullLogger<ConnectDialer>.Instance);
}
