using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Api;

/// <summary>
/// The secret, revocable address of the forward-schedule feed that calendar apps subscribe to (they cannot send a
/// bearer token), and the signed-in user's own management of it.
/// </summary>
public static class CalendarFeedApi
{
    /// <summary>Maps <c>/api/calendar/feeds/{secret}/changes.ics</c> and <c>/api/users/me/calendar-feed</c>.</summary>
    public static IEndpointRouteBuilder MapCalendarFeedApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/calendar/feeds/{secret}/changes.ics", async (string secret, string? from, string? to, HttpContext context, CalendarFeeds feeds) =>
        {
            if (await feeds.AuthenticateAsync(secret, context.RequestAborted) is null)
            {
                return WorkflowDefinitionsApi.NotFoundProblem("No such calendar feed; it may have been revoked. Ask ChangeFlow for a new feed address.");
            }

            // The address is the credential: keep it out of shared caches.
            context.Response.Headers.CacheControl = "private, no-store";
            return await ChangesApi.ForwardScheduleAsync(from, to, context.RequestServices, context.RequestAborted);
        }).AllowAnonymous().WithTags("Changes")
            .WithSummary("The forward schedule of changes as iCalendar, at a user's secret feed address (for calendar apps); same ?from=&to= as /api/calendar/changes.ics.");

        var mine = app.MapGroup("/api/users/me/calendar-feed").WithTags("Users");
        mine.MapPost("", async (HttpContext context, CalendarFeeds feeds, IPublicUrls urls, TimeProvider time) =>
        {
            var result = await feeds.IssueAsync(context.User.GetUserId()!, context.RequestAborted);
            if (!result.IsSuccess)
            {
                return JsonBody.Problem(result.Errors);
            }

            context.Response.Headers.CacheControl = "no-store";
            return (IResult)TypedResults.Created("/api/users/me/calendar-feed", View(result.Value, urls));
        }).WithSummary("Issues the caller's secret calendar feed address (in this answer only) and revokes the one they had.");

        mine.MapGet("", async (HttpContext context, CalendarFeeds feeds, IPublicUrls urls) =>
            await feeds.FindAsync(context.User.GetUserId()!, context.RequestAborted) is { } feed
                ? (IResult)TypedResults.Ok(View(feed, urls))
                : WorkflowDefinitionsApi.NotFoundProblem("You have no calendar feed; POST to this address to get one."))
            .WithSummary("Whether the caller has a calendar feed, when it was issued and last read (never its address).");

        mine.MapDelete("", async (HttpContext context, CalendarFeeds feeds) =>
        {
            await feeds.RevokeAsync(context.User.GetUserId()!, context.RequestAborted);
            return TypedResults.NoContent();
        }).WithSummary("Revokes the caller's calendar feed address at once; revoking again is harmless.");

        return app;
    }

    private static object View(CalendarFeed feed, IPublicUrls urls) => new
    {
        url = feed.Secret is { } secret ? urls.Link($"api/calendar/feeds/{secret}/changes.ics").ToString() : null,
        prefix = feed.Token.Prefix,
        createdAt = feed.Token.CreatedAt,
        lastUsedAt = feed.Token.LastUsedAt,
    };
}
