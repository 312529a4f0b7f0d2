using System.Net.Http.Json;
using System.Text.Json;
using ChurnActors.Adapters.Aws;

namespace ChurnActors.Tests.Support;

/// <summary>The Connect stand-in (tests/servers/connect-standin.mjs), one per test run.</summary>
public sealed class ConnectStandIn : IAsyncLifetime
{
    public const string Region = "eu-west-2";
    public static readonly SigV4Credentials Credentials = new("AKIDCHURNTEST", "churn-test-secret-key/EXAMPLE");

    private LocalServer? _server;

    public Uri Url => _server!.Url;

    public async Task InitializeAsync() =>
        _server = await LocalServer.StartStandInAsync(
            "connect-standin.mjs",
            $"--port {{port}} --access-key {Credentials.AccessKeyId} --secret-key {Credentials.SecretAccessKey} --region {Region}");

    /// <summary>
    /// A stand-in of its own that also answers every contact it makes, through the project's Connect
    /// hook, posting to <paramref name="gateways"/> in turn (see tests/servers/connect-standin.mjs).
    /// </summary>
    public static async Task<ConnectStandIn> StartAnsweringAsync(IEnumerable<Uri> gateways, TimeSpan answerAfter)
    {
        var standIn = new ConnectStandIn();
        standIn._server = await LocalServer.StartStandInAsync(
            "connect-standin.mjs",
            $"--port {{port}} --access-key {Credentials.AccessKeyId} --secret-key {Credentials.SecretAccessKey} --region {Region} " +
            $"--hook-gateways {string.Join(',', gateways.Select(g => g.ToString().TrimEnd('/')))} --feedback-secret {Silo.ChurnHost.FeedbackSecret} " +
            $"--answer-after-ms {(int)answerAfter.TotalMilliseconds}");
        return standIn;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A silo's settings to dial through this stand-in as Connect instance <paramref name="instance"/>.</summary>
    public Dictionary<string, string?> DialerSettings(string instance) => new()
    {
        ["Churn:Dialer:Provider"] = "Connect",
        ["Churn:Dialer:Connect:ServiceUrl"] = Url.ToString(),
        ["Churn:Dialer:Connect:Region"] = Region,
        ["Churn:Dialer:Connect:InstanceId"] = instance,
        ["Churn:Dialer:Connect:ContactFlowId"] = "flow-1",
        ["Churn:Dialer:Connect:SourcePhoneNumber"] = "+441632960000",
    };

    /// <summary>Every StartOutboundVoiceContact the stand-in received for one Connect instance, in order.</summary>
    public async Task<List<ConnectRequest>> RequestsAsync(string instanceId)
    {
        using var http = new HttpClient { BaseAddress = Url };
        var all = await http.GetFromJsonAsync<List<ConnectRequest>>("/requests", JsonSerializerOptions.Web);
        return all!.Where(r => r.InstanceId == instanceId).OrderBy(r => r.At).ToList();
    }

    /// <summary>Every answer an answering stand-in handed to the hook, with each attempt and how the gateway took the last.</summary>
    public async Task<List<ConnectAnswer>> AnswersAsync()
    {
        using var http = new HttpClient { BaseAddress = Url };
        return (await http.GetFromJsonAsync<List<ConnectAnswer>>("/answers", JsonSerializerOptions.Web))!;
    }
}

/// <summary>One contact's answer through the hook: the digit (none for no input), each attempt, and the last attempt's status.</summary>
public sealed record ConnectAnswer(
    string EngagementId,
    string ContactId,
    string Destination,
    int? Score,
    List<HookAttempt> Attempts,
    string Status,
    string? SentimentAfter);

public sealed record HookAttempt(long At, string Gateway, string Status, string? Reason);

public sealed record ConnectRequest(
    long At,
    bool SignatureValid,
    string ClientToken,
    string Destination,
    string InstanceId,
    string ContactFlowId,
    string Source,
    Dictionary<string, string> Attributes,
    string? ContactId);

/// <summary>Signs with the stand-in's credentials instead of the default AWS chain.</summary>
public sealed class StaticCredentialSource(SigV4Credentials credentials) : IAwsCredentialSource
{
    public ValueTask<SigV4Credentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
}

[CollectionDefinition(Name)]
public sealed class ConnectCollection : ICollectionFixture<ConnectStandIn>
{
    public const string Name = "connect";
}
