using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using ChurnActors.Gateway;
using ChurnActors.Grains.Dispatch;
using ChurnActors.Grains.Options;
using ChurnActors.Silo.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace ChurnActors.Silo.Simulation;

/// <summary>
/// The embedded default's stand-in for Amazon Connect. A "call" rings a simulated subscriber, who,
/// after a short delay, answers through the same signed gateway feedback path real Connect uses,
/// with a score that grows with the impairment suffered — or never answers at all. Like Connect
/// with a ClientToken, asking twice for one engagement rings once.
/// </summary>
public sealed partial class SimulatedDialer(
    IOptions<SimulatorOptions> simulator,
    IOptions<DetectionOptions> detection,
    IOptions<GatewayOptions> gateway,
    IHttpClientFactory http,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SimulatedDialer> logger) : IOutboundDialer
{
    private const int RememberedTokens = 100_000;

    public string DispatcherKey => "simulated";

    private readonly ConcurrentDictionary<string, string> _contacts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _tokenOrder = new();

    public Task<DialResult> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken)
    {
        var contactId = $"sim-{Guid.NewGuid():N}";
        if (!_contacts.TryAdd(request.EngagementId, contactId))
        {
            return Task.FromResult(DialResult.Placed(_contacts[request.EngagementId]));
        }

        _tokenOrder.Enqueue(request.EngagementId);
        while (_tokenOrder.Count > RememberedTokens && _tokenOrder.TryDequeue(out var oldest))
        {
            _contacts.TryRemove(oldest, out _);
        }

        _ = Task.Run(() => AnswerAsync(request, contactId, lifetime.ApplicationStopping), CancellationToken.None);
        return Task.FromResult(DialResult.Placed(contactId));
    }

    /// <summary>The simulated subscriber's answer: 1 (no impact) to 5, higher the further the rate went past its threshold.</summary>
    internal static int ScoreFor(DialRequest request, double threshold, Random random)
    {
        var impairment = threshold > 0 ? request.FailRate / threshold : 5;
        var score = 1 + Math.Clamp((impairment - 1) * 2, 0, 4) + (random.NextDouble() - 0.5);
        return (int)Math.Clamp(Math.Round(score), 1, 5);
    }

    private async Task AnswerAsync(DialRequest request, string contactId, CancellationToken stopping)
    {
        var settings = simulator.Value;
        try
        {
            var delay = settings.AnswerDelayMin + ((settings.AnswerDelayMax - settings.AnswerDelayMin) * Random.Shared.NextDouble());
            await Task.Delay(delay, time, stopping);
            if (Random.Shared.NextDouble() < settings.NoAnswerRate)
            {
                LogNoAnswer(logger, request.EngagementId);
                return;
            }

            var score = ScoreFor(request, detection.Value.ThresholdFor(request.Type), Random.Shared);
            var body = JsonSerializer.SerializeToUtf8Bytes(
                new { contactId, engagementId = request.EngagementId, msisdn = request.Msisdn, score, answeredAt = time.GetUtcNow() },
                JsonSerializerOptions.Web);
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(FeedbackBaseUrl(), "api/v1/connect/feedback"))
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            message.Headers.Add(FeedbackSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            message.Headers.Add(FeedbackSignature.SignatureHeader, FeedbackSignature.Compute(gateway.Value.FeedbackSecret, timestamp, body));
            using var response = await http.CreateClient(nameof(SimulatedDialer)).SendAsync(message, stopping);
            if (!response.IsSuccessStatusCode)
            {
                LogRefused(logger, request.EngagementId, (int)response.StatusCode, await response.Content.ReadAsStringAsync(stopping));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (HttpRequestException exception)
        {
            LogUnreachable(logger, request.EngagementId, exception);
        }
    }

    private Uri FeedbackBaseUrl()
    {
        if (simulator.Value.FeedbackUrl is { } configured)
        {
            return configured;
        }

        // Co-hosted: the gateway is this process; use its own listening address, on loopback.
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The silo serves no http address for simulated subscribers to answer on; set Churn:Simulator:FeedbackUrl.");
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Simulated subscriber of engagement {EngagementId} did not answer")]
    private static partial void LogNoAnswer(ILogger logger, string engagementId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway refused the simulated answer for engagement {EngagementId}: {Status} {Problem}")]
    private static partial void LogRefused(ILogger logger, string engagementId, int status, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulated answer for engagement {EngagementId} could not reach the gateway")]
    private static partial void LogUnreachable(ILogger logger, string engagementId, Exception exception);
}
