using System.Security.Cryptography;
using ChangeFlow.Application.Security;

namespace ChangeFlow.Web.Security;

/// <summary>Marks an endpoint as accepting an <c>Idempotency-Key</c> (see <see cref="IdempotencyEndpoints.WithIdempotency{TBuilder}"/>).</summary>
public sealed class IdempotentEndpointMetadata
{
    /// <summary>The one instance.</summary>
    public static IdempotentEndpointMetadata Instance { get; } = new();
}

/// <summary>Opts endpoints in to <c>Idempotency-Key</c> handling.</summary>
public static class IdempotencyEndpoints
{
    /// <summary>The request header.</summary>
    public const string KeyHeader = "Idempotency-Key";

    /// <summary>The response header set on a replayed answer.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>
    /// Lets clients retry this command safely: with an <c>Idempotency-Key</c> header, the first request runs and its
    /// answer (status, body, <c>Content-Type</c>, <c>Location</c>) is kept per user and key; the same request again
    /// gets that answer with <c>Idempotent-Replayed: true</c>; the same key on a different request (method, path,
    /// query or body) is 422; while the first is still running, 409. Server errors are not kept, so they can be
    /// retried. Without the header the endpoint behaves as usual. Only for endpoints that need a signed-in user.
    /// An endpoint that creates something seals the key with its effect (see <see cref="IdempotencyContext"/>), so a
    /// retry after a crash between that commit and the answer being kept answers for what was created.
    /// </summary>
    /// <remarks>
    /// Do not use it on endpoints whose answer is a secret shown once (issuing an API token): a replay would show
    /// it again to whoever holds the key, and the stored copy would be a secret at rest.
    /// </remarks>
    public static TBuilder WithIdempotency<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WithMetadata(IdempotentEndpointMetadata.Instance);
        return builder;
    }
}

/// <summary>
/// What an endpoint that creates something needs to make its <c>Idempotency-Key</c> exactly-once across a crash: the
/// request's claim on the key, to seal with the effect in the transaction that commits it
/// (<see cref="IdempotencySealWrite"/>), and, on a retry whose first request committed its effect but died before its
/// answer was kept, the id of what it created, to answer for instead of creating it again.
/// </summary>
public static class IdempotencyContext
{
    private static readonly object ClaimItem = new();
    private static readonly object CommittedItem = new();

    /// <summary>The request's claim on its key, or null without a key (or on an endpoint without idempotency).</summary>
    public static IdempotencyClaim? IdempotencyClaim(this HttpContext context) =>
        context?.Items.TryGetValue(ClaimItem, out var claim) == true ? claim as IdempotencyClaim : null;

    /// <summary>The resource an earlier request with this key created and committed, when its answer was never kept.</summary>
    public static string? CommittedResourceId(this HttpContext context) =>
        context?.Items.TryGetValue(CommittedItem, out var id) == true ? id as string : null;

    internal static void Set(HttpContext context, IdempotencyClaim claim, string? committedResourceId)
    {
        context.Items[ClaimItem] = claim;
        if (committedResourceId is not null)
        {
            context.Items[CommittedItem] = committedResourceId;
        }
    }
}

/// <summary>
/// Applies <see cref="IdempotencyEndpoints.WithIdempotency{TBuilder}"/>. A middleware rather than an endpoint filter:
/// the request body must be hashed as sent (filters see it after binding has consumed it) and the answer kept as the
/// client received it (filters see a result object, not bytes). It runs after authorization, so keys belong to a
/// known user.
/// </summary>
internal sealed class IdempotencyMiddleware
{
    private const int MaxKeyLength = 200;
    private readonly RequestDelegate _next;

    public IdempotencyMiddleware(RequestDelegate next)
    {
        _next = next;
    }

    public async Task InvokeAsync(HttpContext context, IdempotencyService idempotency)
    {
        var keys = context.Request.Headers[IdempotencyEndpoints.KeyHeader];
        if (keys.Count == 0 || context.GetEndpoint()?.Metadata.GetMetadata<IdempotentEndpointMetadata>() is null)
        {
            await _next(context);
            return;
        }

        var userId = context.User.GetUserId();
        var key = keys.Count == 1 ? keys[0] : null;
        if (userId is null || !IsValidKey(key))
        {
            await WriteProblemAsync(
                context,
                StatusCodes.Status400BadRequest,
                "Invalid Idempotency-Key",
                userId is null ? "Idempotency keys need a signed-in user." : $"Send one Idempotency-Key of 1 to {MaxKeyLength} visible ASCII characters (a UUID, say).");
            return;
        }

        context.Request.EnableBuffering();
        var bodyHash = Convert.ToHexStringLower(await SHA256.HashDataAsync(context.Request.Body, context.RequestAborted));
        context.Request.Body.Position = 0;
        var path = $"{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";

        var outcome = await idempotency.BeginAsync(userId, key!, context.Request.Method, path, bodyHash, context.RequestAborted);
        switch (outcome.Decision)
        {
            case IdempotencyDecision.Mismatch:
                await WriteProblemAsync(context, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", "This key was used for a different request; use a new key for a new request.");
                return;
            case IdempotencyDecision.InFlight:
                await WriteProblemAsync(context, StatusCodes.Status409Conflict, "Request in progress", "The first request with this key is still running; retry later.");
                return;
            case IdempotencyDecision.Replay:
                await ReplayAsync(context, outcome.Stored!);
                return;
        }

        // Proceed, or Committed: the endpoint answers for what the first request created, and that answer is kept.
        IdempotencyContext.Set(context, outcome.Claim!, outcome.Stored?.CommittedResourceId);
        await RunAndKeepAsync(context, idempotency, outcome.Claim!);
    }

    private async Task RunAndKeepAsync(HttpContext context, IdempotencyService idempotency, IdempotencyClaim claim)
    {
        var (userId, key) = (claim.UserId, claim.Key);
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await _next(context);
        }
        catch
        {
            context.Response.Body = original;
            await idempotency.AbandonAsync(claim, CancellationToken.None);
            throw;
        }

        context.Response.Body = original;
        var status = context.Response.StatusCode;
        var body = buffer.ToArray();
        if (status >= 500 || body.Length > idempotency.Options.MaxStoredResponseBytes)
        {
            await idempotency.AbandonAsync(claim, CancellationToken.None);
        }
        else
        {
            // Kept before the answer is sent, so a retry that arrives as soon as the client has it finds it.
            await idempotency.CompleteAsync(userId, key, status, body, context.Response.ContentType, context.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, CancellationToken.None);
        }

        await original.WriteAsync(body, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, IdempotencyRecord stored)
    {
        context.Response.StatusCode = stored.StatusCode ?? StatusCodes.Status200OK;
        context.Response.Headers[IdempotencyEndpoints.ReplayedHeader] = "true";
        if (stored.ContentType is not null)
        {
            context.Response.ContentType = stored.ContentType;
        }

        if (stored.Location is not null)
        {
            context.Response.Headers.Location = stored.Location;
        }

        if (stored.ResponseBody is { Length: > 0 } body)
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && key.All(c => c is > ' ' and <= '~');

    private static Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(
            new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://httpstatuses.io/{status}" },
            (System.Text.Json.JsonSerializerOptions?)null,
            "application/problem+json");
    }
}
