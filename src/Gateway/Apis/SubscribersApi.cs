using ChurnActors.Gateway.Input;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChurnActors.Gateway.Apis;

/// <summary>Live inspection of a subscriber, and the do-not-call flag.</summary>
public static class SubscribersApi
{
    private const int MaxOptOutBodyBytes = 1024;

    public static RouteGroupBuilder MapSubscribersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/subscribers/{msisdn}", GetAsync).WithName("GetSubscriber").WithSummary("A subscriber's live profile");
        api.MapPut("/subscribers/{msisdn}/opt-out", PutOptOutAsync)
            .WithName("PutOptOut")
            .WithSummary("Set or clear the do-not-call flag")
            .Accepts<OptOutBody>("application/json");
        return api;
    }

    public static async Task<Results<Ok<SubscriberView>, ProblemHttpResult>> GetAsync(string msisdn, IGrainFactory grains)
    {
        if (!MsisdnNormalizer.TryNormalize(msisdn, out var e164, out var why))
        {
            return Problems.InvalidMsisdn(why);
        }

        var view = await grains.GetGrain<ISubscriberGrain>(e164).GetViewAsync();
        return view is null
            ? Problems.Of(StatusCodes.Status404NotFound, "unknown-subscriber", "Unknown subscriber", "No probe event or setting was ever received for this number.")
            : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<OptOutBody>, ProblemHttpResult>> PutOptOutAsync(
        string msisdn, HttpRequest request, IGrainFactory grains, CancellationToken cancellationToken)
    {
        if (!MsisdnNormalizer.TryNormalize(msisdn, out var e164, out var why))
        {
            return Problems.InvalidMsisdn(why);
        }

        var body = await RequestBodies.ReadAsync(request, MaxOptOutBodyBytes, cancellationToken);
        if (body is null)
        {
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "body-too-large", "Body too large", $"An opt-out body is at most {MaxOptOutBodyBytes} bytes: {{\"optOut\": true}} or {{\"optOut\": false}}.");
        }

        if (!StrictBodies.TryReadOptOut(body, out var optOut, out var problem))
        {
            return Problems.BadRequest("invalid-opt-out", "Invalid opt-out", problem);
        }

        await grains.GetGrain<ISubscriberGrain>(e164).SetOptOutAsync(optOut);
        return TypedResults.Ok(new OptOutBody(optOut));
    }
}

public sealed record OptOutBody(bool? OptOut);
