using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChurnActors.Tests.Support;

namespace ChurnActors.Tests.Silo;

/// <summary>
/// One real silo process-in-process for the whole test run: Orleans silo, gateway on Kestrel (a
/// real loopback port), simulated dialer whose subscribers answer over HTTP. Calling hours are
/// all day so calls go out whatever the time; the simulator's own traffic is off.
/// </summary>
public sealed class ChurnHost : IAsyncLifetime
{
    public const string FeedbackSecret = "test-feedback-secret-0123456789";
    public const string ClusterId = "churn-tests";

    private TestSilo? _silo;

    public HttpClient Http => _silo!.Http;

    /// <summary>The silo's Orleans gateway port, for a gateway running as a separate Orleans client.</summary>
    public int OrleansGatewayPort { get; } = FreePort();

    public string LakePath => _silo!.LakePath;

    public IServiceProvider Services => _silo!.Services;

    public async Task InitializeAsync() => _silo = await TestSilo.StartAsync(new Dictionary<string, string?>
    {
        ["Churn:Clustering:GatewayPort"] = OrleansGatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Churn:Clustering:ClusterId"] = ClusterId,
        ["Churn:Archive:FlushInterval"] = "00:00:00.500",
    });

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }

    public Task<HttpResponseMessage> PostEventsAsync(params object[] events) =>
        Http.PostAsJsonAsync("/api/v1/probe-events", events);

    /// <summary>Posts a feedback body signed the way the Connect hook signs it.</summary>
    public Task<HttpResponseMessage> PostFeedbackAsync(object body, string? secret = FeedbackSecret, long? timestamp = null, bool sign = true) =>
        PostSignedAsync(JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web), secret, timestamp, sign);

    public Task<HttpResponseMessage> PostSignedAsync(byte[] body, string? secret = FeedbackSecret, long? timestamp = null, bool sign = true)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/connect/feedback")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } },
        };
        if (sign)
        {
            var at = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            message.Headers.Add(FeedbackSignature.TimestampHeader, at.ToString(System.Globalization.CultureInfo.InvariantCulture));
            message.Headers.Add(FeedbackSignature.SignatureHeader, FeedbackSignature.Compute(secret!, at, body));
        }

        return Http.SendAsync(message);
    }

    public async Task<SubscriberView?> GetSubscriberAsync(string msisdn)
    {
        var response = await Http.GetAsync($"/api/v1/subscribers/{Uri.EscapeDataString(msisdn)}");
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<SubscriberView>(JsonSerializerOptions.Web);
    }

    /// <summary>Waits for an eventually consistent condition (one-way calls, stream delivery, simulated answers).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new Xunit.Sdk.XunitException($"Timed out waiting for {what}; last seen: {JsonSerializer.Serialize(last)}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class ChurnHostCollection : ICollectionFixture<ChurnHost>
{
    public const string Name = "churn host";
}

/// <summary>Builds probe events and numbers for tests; every test uses numbers of its own.</summary>
public static class Probe
{
    private static int _next = 200_000;

    /// <summary>
    /// A fresh UK mobile number no other test uses, from +447700200001 on: clear of the block
    /// +4477009xxxxx, where tests write numbers by hand and the Connect stand-in answers with errors.
    /// </summary>
    public static string NewMsisdn()
    {
        var next = Interlocked.Increment(ref _next);
        return next < 900_000 ? $"+447700{next:D6}" : throw new InvalidOperationException("The test run used up its 700 000 fresh numbers.");
    }

    public static object Event(string msisdn, string type, bool fail, DateTimeOffset? at = null, string cell = "234-15-00TEST1", string? eventId = null) => new
    {
        eventId = eventId ?? Guid.NewGuid().ToString("N"),
        msisdn,
        type,
        status = fail ? "FAIL" : "OK",
        timestamp = (at ?? DateTimeOffset.UtcNow).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        cell,
        deviceTac = "35332510",
        vendor = "Ericsson",
    };

    /// <summary>
    /// Sessions that cross the CALL_DROP threshold: 3 OK then 3 FAIL. The 5th session (2 FAIL of 5,
    /// rate 0.4 &gt; 0.16, minimum sample reached) engages; the 6th is suppressed as in flight. The
    /// simulated subscriber then answers 4 (rate 2.5× threshold), so sentiment goes 10 → 8.
    /// </summary>
    public static object[] BadExperience(string msisdn, string cell = "234-15-00TEST1") =>
    [
        .. Enumerable.Range(0, 3).Select(_ => Event(msisdn, "CALL_DROP", false, cell: cell)),
        .. Enumerable.Range(0, 3).Select(_ => Event(msisdn, "CALL_DROP", true, cell: cell)),
    ];

    public static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
