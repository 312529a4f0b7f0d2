using System.Collections.Immutable;
using System.Text.Json;
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
            .WithSummary("Ingest a JSON array of probe events (SPEC §2)")
            .Accepts<JsonElement>("application/json");
        return api;
    }

    public static async Task<Results<Accepted<ProbeBatchResult>, ProblemHttpResult>> PostAsync(
        HttpRequest request, IGrainFactory grains, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException exception)
        {
            return Problems.BadRequest("malformed-json", "Malformed JSON", $"The body is not valid JSON: {exception.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return Problems.BadRequest("not-an-array", "Not an array", "The body must be a JSON array of probe events.");
            }

            var count = document.RootElement.GetArrayLength();
            var max = options.Value.MaxProbeBatch;
            if (count > max)
            {
                return Problems.Of(
                    StatusCodes.Status413PayloadTooLarge,
                    "batch-too-large",
                    "Batch too large",
                    $"The batch holds {count} events; at most {max} are taken per request. Split it and send the parts.");
            }

            var events = ImmutableArray.CreateBuilder<string>(count);
            foreach (var element in document.RootElement.EnumerateArray())
            {
                events.Add(element.GetRawText());
            }

            var result = await grains.GetGrain<IProbeIngestGrain>(0).IngestAsync(events.MoveToImmutable(), "http");
            return TypedResults.Accepted((string?)null, result);
        }
    }
}
