using System.Text.Json.Serialization;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Security;
using Microsoft.AspNetCore.Authentication;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Users and their personal API tokens. In every <c>{id}</c> route, <c>me</c> means the caller and an e-mail address
/// names the user who has it.
/// </summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users");

        group.MapPost("/", async (HttpContext context, UserService users) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<CreateUserBody>(context.Request);
            if (problem is not null)
            {
                return (IResult)problem;
            }

            var result = await users.CreateAsync(new NewUser(body!.Email, body.DisplayName, body.Roles, body.Groups, body.Password, body.IsActive, body.TimeZoneId, body.Culture), context.RequestAborted);
            return result.IsSuccess
                ? TypedResults.Created($"/api/users/{result.Value.Id}", UserJson.From(result.Value))
                : JsonBody.Problem(result.Errors);
        }).RequireAuthorization(Policies.Admin).WithIdempotency()
            .WithSummary("Creates a user with roles, groups and (optionally) a password. Accepts an Idempotency-Key.");

        group.MapGet("/", async (string? role, string? group, bool? active, string? search, int? skip, int? take, UserService users, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (role is not null && !Roles.All.Contains(role))
            {
                errors["role"] = [$"A role is one of {string.Join(", ", Roles.All)}."];
            }

            if (skip is < 0)
            {
                errors["skip"] = ["Must be 0 or more."];
            }

            if (take is < 1 or > 500)
            {
                errors["take"] = ["Must be between 1 and 500."];
            }

            if (errors.Count > 0)
            {
                return (IResult)TypedResults.ValidationProblem(errors);
            }

            var list = await users.ListAsync(new UserQuery(role, group, active, search, skip ?? 0, take ?? 100), ct);
            return TypedResults.Ok(list.Select(UserJson.From));
        }).RequireAuthorization(Policies.UserDirectory).WithSummary("Lists users in e-mail order, filtered by role, group, active flag or a search text.");

        group.MapGet("/me", async (HttpContext context, UserService users) =>
            await users.FindAsync(context.User.GetUserId()!, context.RequestAborted) is { } user
                ? (IResult)TypedResults.Ok(UserJson.From(user))
                : TypedResults.Unauthorized())
            .WithSummary("The signed-in user (cookie or token).");

        group.MapPost("/me/password", async (HttpContext context, UserService users) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<ChangePasswordBody>(context.Request);
            if (problem is not null)
            {
                return (IResult)problem;
            }

            // Read before the change: afterwards the cookie's stamp is stale and it no longer authenticates.
            var persistent = context.IsCookieAuthenticated()
                && (await context.AuthenticateAsync(ChangeFlowAuthentication.CookieScheme)).Properties?.IsPersistent == true;
            var result = await users.ChangeOwnPasswordAsync(context.User.GetUserId()!, body!.CurrentPassword, body.NewPassword, context.RequestAborted);
            if (!result.IsSuccess)
            {
                return JsonBody.Problem(result.Errors);
            }

            // Every other session of the user has ended; the one that changed the password goes on with a new cookie.
            if (context.IsCookieAuthenticated())
            {
                await context.SignInWithCookieAsync(result.Value, persistent);
            }

            return TypedResults.NoContent();
        }).WithSummary("Changes the caller's own password; the current one must be given when one is set. Ends the user's other browser sessions; a cookie caller gets a new cookie.");

        group.MapGet("/{id}", async (string id, HttpContext context, UserService users) =>
        {
            id = await ResolveAsync(id, context, users);
            if (!IsSelfOr(context, id, Roles.Admin, Roles.ChangeManager))
            {
                return (IResult)TypedResults.Forbid();
            }

            return await users.FindAsync(id, context.RequestAborted) is { } user
                ? TypedResults.Ok(UserJson.From(user))
                : WorkflowDefinitionsApi.NotFoundProblem($"No user '{id}'.");
        }).WithSummary("Gets a user: the user themself, change managers and administrators.");

        group.MapPatch("/{id}", async (string id, HttpContext context, UserService users) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<UpdateUserBody>(context.Request);
            if (problem is not null)
            {
                return (IResult)problem;
            }

            var result = await users.UpdateAsync(
                await ResolveAsync(id, context, users),
                new UserChanges(body!.DisplayName, body.Roles, body.Groups, body.IsActive, body.Password, body.Version, body.TimeZoneId, body.Culture),
                context.RequestAborted);
            return result.IsSuccess ? TypedResults.Ok(UserJson.From(result.Value)) : JsonBody.Problem(result.Errors);
        }).RequireAuthorization(Policies.Admin)
            .WithSummary("Changes display name, roles, groups, active flag, time zone and culture of notices, or password (reset); give version to refuse a stale edit (409).");

        group.MapPost("/{id}/tokens", async (string id, HttpContext context, UserService users) =>
        {
            id = await ResolveAsync(id, context, users);
            if (!IsSelfOr(context, id, Roles.Admin))
            {
                return (IResult)TypedResults.Forbid();
            }

            var (body, problem) = await JsonBody.ReadAsync<IssueTokenBody>(context.Request);
            if (problem is not null)
            {
                return problem;
            }

            var result = await users.IssueTokenAsync(id, body!.Name, body.ExpiresAt, context.RequestAborted);
            if (!result.IsSuccess)
            {
                return JsonBody.Problem(result.Errors);
            }

            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Created($"/api/users/{id}/tokens/{result.Value.Token.Id}", TokenJson.From(result.Value.Token, result.Value.Secret, context.RequestServices.GetRequiredService<TimeProvider>()));
        })

            // No .WithIdempotency() here on purpose: a replay would hand the secret out a second time, and keeping the
            // answer would store the secret itself. A client that lost the answer revokes the token and issues another.
            .WithSummary("Issues a personal API token (the user themself or an administrator); the secret is in this answer only.");

        group.MapGet("/{id}/tokens", async (string id, HttpContext context, UserService users, TimeProvider time) =>
        {
            id = await ResolveAsync(id, context, users);
            if (!IsSelfOr(context, id, Roles.Admin))
            {
                return (IResult)TypedResults.Forbid();
            }

            if (await users.FindAsync(id, context.RequestAborted) is null)
            {
                return WorkflowDefinitionsApi.NotFoundProblem($"No user '{id}'.");
            }

            return TypedResults.Ok((await users.ListTokensAsync(id, context.RequestAborted)).Select(t => TokenJson.From(t, null, time)));
        }).WithSummary("Lists a user's tokens (never their secrets), newest first.");

        group.MapDelete("/{id}/tokens/{tokenId}", async (string id, string tokenId, HttpContext context, UserService users) =>
        {
            id = await ResolveAsync(id, context, users);
            if (!IsSelfOr(context, id, Roles.Admin))
            {
                return (IResult)TypedResults.Forbid();
            }

            return await users.RevokeTokenAsync(id, tokenId, context.RequestAborted)
                ? TypedResults.NoContent()
                : WorkflowDefinitionsApi.NotFoundProblem($"User '{id}' has no token '{tokenId}'.");
        }).WithSummary("Revokes a token at once; revoking again is harmless.");

        return app;
    }

    private static async Task<string> ResolveAsync(string id, HttpContext context, UserService users) =>
        id == "me" ? context.User.GetUserId() ?? id : await users.ResolveIdAsync(id, context.RequestAborted);

    private static bool IsSelfOr(HttpContext context, string id, params string[] roles) =>
        context.User.GetUserId() == id || roles.Any(context.User.IsInRole);
}

/// <summary>A new user.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateUserBody(string? Email, string? DisplayName, List<string>? Roles, List<string>? Groups, string? Password, bool? IsActive, string? TimeZoneId = null, string? Culture = null);

/// <summary>Changes to a user; absent members stay as they are.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record UpdateUserBody(string? DisplayName, List<string>? Roles, List<string>? Groups, bool? IsActive, string? Password, long? Version, string? TimeZoneId = null, string? Culture = null);

/// <summary>A password change by the user themself.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ChangePasswordBody(string? CurrentPassword, string? NewPassword);

/// <summary>A token request: a name saying where it is used and an optional expiry.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record IssueTokenBody(string? Name, DateTimeOffset? ExpiresAt);

/// <summary>A user as the API shows it (no password hash).</summary>
public sealed record UserJson(string Id, string Email, string DisplayName, IReadOnlyList<string> Roles, IReadOnlyList<string> Groups, bool IsActive, bool HasPassword, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, long Version, string? TimeZoneId = null, string? Culture = null)
{
    public static UserJson From(UserRecord u)
    {
        ArgumentNullException.ThrowIfNull(u);
        return new(u.Id, u.Email, u.DisplayName, u.Roles, u.Groups, u.IsActive, u.PasswordHash is not null, u.CreatedAt, u.UpdatedAt, u.Version, u.TimeZoneId, u.Culture);
    }
}

/// <summary>A token as the API shows it; <see cref="Token"/> is set only in the answer that issues it.</summary>
public sealed record TokenJson(string Id, string UserId, string Name, string Prefix, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Token)
{
    public static TokenJson From(ApiTokenRecord t, string? secret, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(time);
        var status = t.RevokedAt is not null ? "revoked" : t.ExpiresAt <= time.GetUtcNow() ? "expired" : "active";
        return new(t.Id, t.UserId, t.Name, t.Prefix, status, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, secret);
    }
}
