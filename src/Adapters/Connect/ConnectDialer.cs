using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChurnActors.Adapters.Aws;
using ChurnActors.Grains.Dispatch;
using Microsoft.Extensions.Logging;

namespace ChurnActors.Adapters.Connect;

/// <summary>
/// Places calls through Amazon Connect's <c>StartOutboundVoiceContact</c> (REST JSON,
/// <c>PUT /contact/outbound-voice</c>, SigV4-signed for service <c>connect</c>). The engagement id is
/// the <c>ClientToken</c>, so a retried request never rings the subscriber twice.
/// </summary>
public sealed partial class ConnectDialer(
    HttpClient http,
    ConnectDialerOptions options,
    IAwsCredentialSource credentials,
    TimeProvider time,
    ILogger<ConnectDialer> logger) : IOutboundDialer
{
    public const string Service = "connect";

    public string DispatcherKey => options.InstanceId!;

    /// <summary>Errors that will not go away by asking again: the reason is recorded and the engagement fails.</summary>
    private static readonly HashSet<string> Terminal = new(StringComparer.Ordinal)
    {
        "DestinationNotAllowedException",
        "OutboundContactNotPermittedException",
        "InvalidParameterException",
        "InvalidRequestException",
        "ResourceNotFoundException",
        "AccessDeniedException",
        "ValidationException",
    };

    private readonly Uri _endpoint = options.ServiceUrl ?? new Uri($"https://connect.{options.Region}.amazonaws.com");

    public async Task<DialResult> PlaceCallAsync(DialRequest request, CancellationToken cancellationToken)
    {
        var body = new StartOutboundVoiceContact(
            request.Msisdn,
            options.ContactFlowId!,
            options.InstanceId!,
            options.SourcePhoneNumber!,
            request.EngagementId,
            new Dictionary<string, string>
            {
                ["engagementId"] = request.EngagementId,
                ["incidentType"] = request.Type.ToWire(),
                ["cell"] = request.Cell,
                ["failRate"] = request.FailRate.ToString("0.####", CultureInfo.InvariantCulture),
            });
        using var message = new HttpRequestMessage(HttpMethod.Put, new Uri(_endpoint, "contact/outbound-voice"))
        {
            Content = JsonContent.Create(body, ConnectJson.Default.StartOutboundVoiceContact),
        };
        await SigV4.SignAsync(message, await credentials.GetAsync(cancellationToken), options.Region ?? "us-east-1", Service, time.GetUtcNow(), cancellationToken);

        using var response = await http.SendAsync(message, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var placed = JsonSerializer.Deserialize(text, ConnectJson.Default.StartOutboundVoiceContactResponse);
            return placed?.ContactId is { Length: > 0 } contactId
                ? DialResult.Placed(contactId)
                : DialResult.Retryable($"Connect answered {(int)response.StatusCode} without a ContactId");
        }

        var (type, detail) = AwsError.Read(response, text);
        var reason = $"{type} ({(int)response.StatusCode}): {detail}";
        LogRefused(logger, request.EngagementId, reason);
        return Terminal.Contains(type) || (response.StatusCode < HttpStatusCode.InternalServerError && response.StatusCode != HttpStatusCode.TooManyRequests && !IsThrottling(type))
            ? DialResult.Terminal(reason)
            : DialResult.Retryable(reason);
    }

    private static bool IsThrottling(string type) =>
        type is "TooManyRequestsException" or "ThrottlingException" or "LimitExceededException";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connect refused the call for engagement {EngagementId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string engagementId, string reason);
}

public sealed record StartOutboundVoiceContact(
    [property: JsonPropertyName("DestinationPhoneNumber")] string DestinationPhoneNumber,
    [property: JsonPropertyName("ContactFlowId")] string ContactFlowId,
    [property: JsonPropertyName("InstanceId")] string InstanceId,
    [property: JsonPropertyName("SourcePhoneNumber")] string SourcePhoneNumber,
    [property: JsonPropertyName("ClientToken")] string ClientToken,
    [property: JsonPropertyName("Attributes")] IReadOnlyDictionary<string, string> Attributes);

public sealed record StartOutboundVoiceContactResponse([property: JsonPropertyName("ContactId")] string? ContactId);

[JsonSerializable(typeof(StartOutboundVoiceContact))]
[JsonSerializable(typeof(StartOutboundVoiceContactResponse))]
internal sealed partial class ConnectJson : JsonSerializerContext;
