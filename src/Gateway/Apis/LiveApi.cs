using ChurnActors.Gateway.Live;

namespace ChurnActors.Gateway.Apis;

/// <summary><c>GET /api/v1/live</c>: server-sent events with the top cells and the counters, once a tick.</summary>
public static class LiveApi
{
    public const string EventType = "snapshot";

    public static RouteGroupBuilder MapLiveApi(this RouteGroupBuilder api)
    {
        api.MapGet("/live", (LiveFeed feed, HttpContext context) => TypedResults.ServerSentEvents(feed.SubscribeAsync(context.RequestAborted), EventType))
            .WithName("GetLive")
            .WithSummary("Server-sent events: every second a 'snapshot' event {at, cells, stats} with the top cells and the counters");
        return api;
    }
}
