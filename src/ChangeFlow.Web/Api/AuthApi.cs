using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Security;
using Microsoft.AspNetCore.Authentication;

namespace ChangeFlow.Web.Api;

/// <summary>Browser sign-in: a cookie from an e-mail and password. Tools use API tokens instead.</summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Authentication");
        group.MapPost("/login", async (HttpContext context, UserService users) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<LoginBody>(context.Request);
            if (problem is not null)
            {
                return (IResult)problem;
            }

            // A request without an e-mail or a password is bad input, not a failed guess: it is answered with the
            // fields at fault and counts towards no pause.
            var missing = new List<DomainError>();
            if (string.IsNullOrWhiteSpace(body!.Email))
            {
                missing.Add(new DomainError("email", ErrorCodes.Required, "The e-mail to sign in with is required."));
            }

            if (string.IsNullOrEmpty(body.Password))
            {
                missing.Add(new DomainError("password", ErrorCodes.Required, "The password is required."));
            }

            if (missing.Count > 0)
            {
                return ApiResults.Invalid(missing);
            }

            // The address after trusted proxies (ProxyServices); a connection without one (in-process tests) counts as one client.
            var remote = context.Connection.RemoteIpAddress;
            var address = (remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote)?.ToString() ?? "unknown";
            var result = await users.VerifyPasswordAsync(body!.Email, body.Password, address, context.RequestAborted);
            switch (result.Status)
            {
                case SignInStatus.Throttled:
                    return TypedResults.Problem("Too many failed sign-ins from this address; password sign-in from here is paused. Try again later.", statusCode: StatusCodes.Status429TooManyRequests, title: "Sign-in paused", type: "https://httpstatuses.io/429");
                case SignInStatus.Failed:
                    return TypedResults.Problem("The e-mail or password is not correct, or the user is deactivated.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed", type: "https://httpstatuses.io/401");
            }

            await context.SignInWithCookieAsync(result.User!, body.RememberMe ?? false);
            return TypedResults.Ok(UserJson.From(result.User!));
        }).AllowAnonymous().WithSummary("Signs in with e-mail and password and sets the HttpOnly sign-in cookie.");

        group.MapPost("/logout", async (HttpContext context, UserService users) =>
        {
            // One stamp per user: signing out ends every browser session of the user, so a copied cookie dies too.
            if (context.IsCookieAuthenticated())
            {
                await users.EndSessionsAsync(context.User.GetUserId()!, context.RequestAborted);
            }

            await context.SignOutAsync(ChangeFlowAuthentication.CookieScheme);
            return TypedResults.NoContent();
        }).AllowAnonymous().WithSummary("Signs out: ends every browser session of the user (their sign-in cookies on all devices; API tokens keep working). Harmless when not signed in.");
        return app;
    }
}

/// <summary>The sign-in request.</summary>
/// <param name="Email">The user's e-mail (any case).</param>
/// <param name="Password">The password.</param>
/// <param name="RememberMe">Keep the cookie across browser restarts (until the session lifetime ends).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LoginBody([property: Required] string? Email, [property: Required] string? Password, bool? RememberMe);
