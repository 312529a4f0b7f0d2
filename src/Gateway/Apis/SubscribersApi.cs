using Microsoft.AspNetCore.Http.HttpResults;

namespace ChurnActors.Gateway.Apis;

/// <summary>Live inspection of a subscriber, and the do-not-call flag.</summary>
public static class SubscribersApi
{
    public static RouteGroupBuilder MapSubscribersApi(this RouteGroupBuilder api)
    {
        api.MapGet("/subscribers/{msisdn}", GetAsync).WithName("GetSubscriber").WithSummary("A subscriber's live profile");
        api.MapPut("/subscribers/{msisdn}/opt-out", PutOptOutAsync).WithName("PutOptOut").WithSummary("Set or clear the do-not-call flag");
        return api;
    }

    public static async Task<Results<Ok<SubscriberView>, ProblemHttpResult>> GetAsync(string msisdn, IGrainFactory grains)
    {
        if (!MsisdnNormalizer.TryNormalize(msisdn, out var e164))
        {
            return Problems.InvalidMsisdn();
        }

        var view = await grains.GetGrain<ISubscriberGrain>(e164).GetViewAsync();
        return view is null
            ? Problems.Of(StatusCodes.Status404NotFound, "unknown-subscriber", "Unknown subscriber", "No probe event or setting was ever received for this number.")
            : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<OptOutBody>, ProblemHttpResult>> PutOptOutAsync(string msisdn, OptOutBody? body, IGrainFactory grains)
    {
        if (!MsisdnNormalizer.TryNormalize(msisdn, out var e164))
        {
            return Problems.InvalidMsisdn();
        }

        if (body?.OptOut is not { } optOut)
        {
            return Problems.BadRequest("invalid-opt-out", "Invalid opt-out", "The body must be {\"optOut\": true} or {\"optOut\": false}.");
        }

        await grains.GetGrain<ISubscriberGrain>(e164).SetOptOutAsync(optOut);
        return TypedResults.Ok(new OptOutBody(optOut));
    }
}

public sealed record OptOutBody(bool? OptOut);
