using System.Globalization;
using ChurnActors.Gateway.Input;
using ChurnActors.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChurnActors.Gateway.Apis;

/// <summary><c>POST /api/v1/connect/feedback</c>: the subscriber's answer, posted by the Connect hook, HMAC-signed.</summary>
public static class FeedbackApi
{
    private const int MaxBodyBytes = 16 * 1024;
    private const string Answered = "answered";
    private const string NoInput = "no-input";

    public static RouteGroupBuilder MapFeedbackApi(this RouteGroupBuilder api)
    {
        api.MapPost("/connect/feedback", PostAsync)
            .WithName("PostFeedback")
            .WithSummary("Record a subscriber's answer (signed with X-Churn-Timestamp / X-Churn-Signature)")
            .Accepts<FeedbackBody>("application/json")
            // The Connect hook proves itself with the HMAC signature (docs/design.md §5), not the operator's credentials.
            .AllowAnonymous();
        return api;
    }

    public static async Task<Results<Ok<FeedbackAnswer>, ProblemHttpResult>> PostAsync(
        HttpRequest request,
        IGrainFactory grains,
        IOptions<GatewayOptions> options,
        ReplayGuard replays,
        ChurnMetrics metrics,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var answer = await AnswerAsync(request, grains, options, replays, time, cancellationToken);

        // By outcome: the answer's status, or the problem's type (both a handful of fixed words).
        var outcome = answer.Result switch
        {
            Ok<FeedbackAnswer> ok => ok.Value!.Outcome,
            ProblemHttpResult problem => problem.ProblemDetails.Type?[(problem.ProblemDetails.Type.LastIndexOf(':') + 1)..] ?? "problem",
            _ => "other",
        };
        metrics.FeedbackRequests.Add(1, new KeyValuePair<string, object?>("churn.outcome", outcome));
        return answer;
    }

    private static async Task<Results<Ok<FeedbackAnswer>, ProblemHttpResult>> AnswerAsync(
        HttpRequest request,
        IGrainFactory grains,
        IOptions<GatewayOptions> options,
        ReplayGuard replays,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var body = await RequestBodies.ReadAsync(request, MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "feedback-too-large", "Body too large", $"A feedback body is at most {MaxBodyBytes} bytes.");
        }

        if (await AuthenticateAsync(request, body, options.Value.FeedbackSecret, replays, time.GetUtcNow()) is { } refused)
        {
            return refused;
        }

        if (!StrictBodies.TryReadFeedback(body, out var feedback, out var unreadable))
        {
            return Problems.BadRequest("malformed-json", "Malformed feedback", unreadable);
        }

        if (Validate(feedback, time.GetUtcNow(), out var report) is { } invalid)
        {
            return invalid;
        }

        var subscriber = grains.GetGrain<ISubscriberGrain>(report!.Msisdn);
        var result = report.Score is { } score
            ? await subscriber.RecordFeedbackAsync(new FeedbackReport(report.ContactId, report.EngagementId, report.Msisdn, score, report.AnsweredAt))
            : await subscriber.RecordNoInputAsync(report.ContactId, report.EngagementId);
        return result.Outcome switch
        {
            FeedbackOutcome.Recorded => TypedResults.Ok(new FeedbackAnswer("recorded", report.EngagementId, result.SentimentAfter)),
            FeedbackOutcome.NoInputRecorded => TypedResults.Ok(new FeedbackAnswer("no-input-recorded", report.EngagementId, result.SentimentAfter)),
            FeedbackOutcome.AlreadyRecorded => TypedResults.Ok(new FeedbackAnswer("already-recorded", report.EngagementId, result.SentimentAfter)),
            FeedbackOutcome.UnknownEngagement => Problems.Of(StatusCodes.Status404NotFound, "unknown-engagement", "Unknown engagement", result.Detail),
            FeedbackOutcome.AlreadyAnswered => Problems.Of(StatusCodes.Status409Conflict, "already-answered", "Engagement already answered", result.Detail),
            FeedbackOutcome.NotAwaitingFeedback => Problems.Of(StatusCodes.Status409Conflict, "not-awaiting-feedback", "Engagement not waiting for an answer", result.Detail),
            FeedbackOutcome.NumberMismatch => Problems.Of(StatusCodes.Status422UnprocessableEntity, "number-mismatch", "Number does not match the engagement", result.Detail),
            _ => Problems.Of(StatusCodes.Status422UnprocessableEntity, "score-out-of-range", "Score out of range", result.Detail),
        };
    }

    private static async Task<ProblemHttpResult?> AuthenticateAsync(HttpRequest request, byte[] body, string secret, ReplayGuard replays, DateTimeOffset now)
    {
        var timestampText = request.Headers[FeedbackSignature.TimestampHeader].ToString();
        var signature = request.Headers[FeedbackSignature.SignatureHeader].ToString();
        if (string.IsNullOrEmpty(timestampText) || string.IsNullOrEmpty(signature))
        {
            return Problems.Of(
                StatusCodes.Status401Unauthorized,
                "missing-signature",
                "Missing signature",
                $"Sign the request: {FeedbackSignature.TimestampHeader} (unix seconds) and {FeedbackSignature.SignatureHeader} (hex HMAC-SHA256 of timestamp, newline, body).");
        }

        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var unixSeconds))
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "invalid-timestamp", "Invalid timestamp", $"{FeedbackSignature.TimestampHeader} must be unix seconds.");
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(unixSeconds, 0, 253402300799));
        if (age.Duration() > FeedbackSignature.Tolerance)
        {
            return Problems.Of(
                StatusCodes.Status401Unauthorized,
                "expired-signature",
                "Request expired",
                $"The request was signed {age.TotalSeconds:F0} s from now; at most {FeedbackSignature.Tolerance.TotalSeconds:F0} s either way is accepted. Check the sender's clock.");
        }

        if (!FeedbackSignature.Matches(secret, unixSeconds, body, signature))
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "bad-signature", "Bad signature", "The signature does not match the body and timestamp; check the shared feedback secret.");
        }

        if (!await replays.TryAcceptAsync(signature))
        {
            return Problems.Of(StatusCodes.Status401Unauthorized, "replayed-request", "Replayed request", "This exact signed request was received before; sign each attempt anew.");
        }

        return null;
    }

    private static ProblemHttpResult? Validate(FeedbackBody? body, DateTimeOffset now, out ValidFeedback? report)
    {
        report = null;
        if (body is null)
        {
            return Problems.BadRequest("malformed-json", "Malformed JSON", "The body must be a JSON object.");
        }

        if (string.IsNullOrWhiteSpace(body.ContactId) || body.ContactId.Length > 256)
        {
            return Problems.BadRequest("invalid-contact-id", "Invalid contactId", "contactId is required (at most 256 characters).");
        }

        if (!EngagementIds.IsWellFormed(body.EngagementId))
        {
            return Problems.Of(StatusCodes.Status404NotFound, "unknown-engagement", "Unknown engagement", "engagementId is missing or is not an engagement id this system issued.");
        }

        if (!MsisdnNormalizer.TryNormalize(body.Msisdn, out var msisdn, out var why))
        {
            return Problems.InvalidMsisdn(why);
        }

        if (body.Outcome is not (null or Answered or NoInput))
        {
            return Problems.BadRequest("invalid-outcome", "Invalid outcome", $"outcome must be '{Answered}' (with a score) or '{NoInput}' (the call ended without a digit).");
        }

        if (body.Outcome == NoInput)
        {
            if (body.Score is not null)
            {
                return Problems.BadRequest("invalid-outcome", "Invalid outcome", $"A '{NoInput}' outcome carries no score.");
            }

            report = new ValidFeedback(msisdn, body.ContactId, body.EngagementId!, null, body.AnsweredAt ?? now);
            return null;
        }

        if (body.Score is not { } score || !FeedbackReport.IsScore(score))
        {
            return Problems.Of(
                StatusCodes.Status422UnprocessableEntity,
                "score-out-of-range",
                "Score out of range",
                body.Score is null ? "score is required: the digit pressed, 1 (no impact) to 5 (very high impact)." : $"score {body.Score} is outside 1–5.");
        }

        report = new ValidFeedback(msisdn, body.ContactId, body.EngagementId!, score, body.AnsweredAt ?? now);
        return null;
    }
}

/// <summary>What the Connect hook posts: a score, or <c>outcome: "no-input"</c> when the call ended without a digit.</summary>
public sealed record FeedbackBody(string? ContactId, string? EngagementId, string? Msisdn, int? Score, DateTimeOffset? AnsweredAt, string? Outcome = null);

/// <summary>A feedback request that passed validation; no score means no input.</summary>
internal sealed record ValidFeedback(string Msisdn, string ContactId, string EngagementId, int? Score, DateTimeOffset AnsweredAt);

public sealed record FeedbackAnswer(string Outcome, string EngagementId, int? SentimentAfter);
