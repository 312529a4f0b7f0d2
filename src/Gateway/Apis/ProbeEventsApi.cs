using ChurnActors.Gateway.Input;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace ChurnActors.Gateway.Apis;

/// <summary><c>POST /api/v1/probe-events</c>: batches of probe events from small sites and tests.</summary>
public static class ProbeEventsApi
{
    public static RouteGroupBuilder MapProbeEventsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/probe-events", PostAsync)
            .WithName("PostProbeEvents")
            .WithSummary("Ingest a JSON array of probe events")
            .Accepts<IReadOnlyList<ProbeEventBody>>("application/json");
        return api;
    }

    /// <summary>
    /// The body is split into its elements here and each is read on its own by the ingest grain, so
    /// one bad element is one rejection. Only a body that is not an array at all, too big or with too
    /// many events is refused whole — and then nothing of it is taken.
    /// </summary>
    public static async Task<Results<Accepted<ProbeBatchResult>, ProblemHttpResult>> PostAsync(
        HttpRequest request, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var body = await RequestBodies.ReadAsync(request, limits.MaxProbeBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Of(
                StatusCodes.Status413PayloadTooLarge,
                "body-too-large",
                "Body too large",
                $"A probe-event body is at most {limits.MaxProbeBodyBytes} bytes; split the batch and send the parts.");
        }

        var ranges = new List<Range>();
        switch (JsonArrayElements.Split(body, limits.MaxProbeBatch, ranges, out var count, out var problem))
        {
            case JsonArrayElements.Outcome.NotAnArray:
                return Problems.BadRequest("not-an-array", "Not an array", problem);
            case JsonArrayElements.Outcome.Malformed:
                return Problems.BadRequest("malformed-json", "Malformed JSON", $"The body is not a JSON array that can be read: {problem}");
        }

        if (count > limits.MaxProbeBatch)
        {
            return Problems.Of(
                StatusCodes.Status413PayloadTooLarge,
                "batch-too-large",
                "Batch too large",
                $"The batch holds {count} events; at most {limits.MaxProbeBatch} are taken per request. Split it and send the parts.");
        }

        var memory = body.AsMemory();
        var payloads = new ProbePayloads([.. ranges.Select(r => memory[r])]);
        var result = await grains.GetGrain<IProbeIngestGrain>(0).IngestAsync(payloads, "http");
        return TypedResults.Accepted((string?)null, result);
    }
}

/// <summary>One probe event as the API documents it; the server reads the raw JSON itself, strictly.</summary>
public sealed record ProbeEventBody(string EventId, string Msisdn, string Type, string Status, DateTimeOffset Timestamp, string Cell, string? DeviceTac, string? Vendor);
