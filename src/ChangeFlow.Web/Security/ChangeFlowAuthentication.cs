using System.Globalization;
using System.Security.Claims;
using ChangeFlow.Application.Security;
using Microsoft.AspNetCore.Authentication;

namespace ChangeFlow.Web.Security;

/// <summary>Scheme names and the claims a signed-in user carries.</summary>
public static class ChangeFlowAuthentication
{
    /// <summary>The default scheme: picks <see cref="BearerScheme"/> when an <c>Authorization: Bearer</c> header is present, <see cref="CookieScheme"/> otherwise.</summary>
    public const string Scheme = "ChangeFlow";

    /// <summary>Personal API tokens (<c>Authorization: Bearer cfp_...</c>) for tools.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>The browser sign-in cookie.</summary>
    public const string CookieScheme = "Cookies";

    /// <summary>The cookie's name.</summary>
    public const string CookieName = "changeflow.auth";

    /// <summary>One claim per assignment group.</summary>
    public const string GroupClaim = "changeflow:group";

    /// <summary>The user's version when the claims were made; a cookie with an older one is refreshed.</summary>
    public const string VersionClaim = "changeflow:version";

    /// <summary>The user's security stamp when the cookie was issued; a cookie with another one is refused.</summary>
    public const string StampClaim = "changeflow:stamp";

    /// <summary>The API token that authenticated the request.</summary>
    public const string TokenClaim = "changeflow:token";

    /// <summary>Builds the principal of <paramref name="user"/> for <paramref name="scheme"/>.</summary>
    public static ClaimsPrincipal CreatePrincipal(UserRecord user, string scheme, string? tokenId = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Email, user.Email),
            new(ClaimTypes.Name, user.DisplayName),
            new(VersionClaim, user.Version.ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        claims.AddRange(user.Groups.Select(g => new Claim(GroupClaim, g)));
        if (tokenId is not null)
        {
            claims.Add(new Claim(TokenClaim, tokenId));
        }
        else
        {
            claims.Add(new Claim(StampClaim, user.SecurityStamp));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>Sets the sign-in cookie of <paramref name="user"/>, carrying their current security stamp.</summary>
    public static Task SignInWithCookieAsync(this HttpContext context, UserRecord user, bool persistent) =>
        context.SignInAsync(CookieScheme, CreatePrincipal(user, CookieScheme), new AuthenticationProperties { IsPersistent = persistent });

    /// <summary>Whether the request was authenticated by the sign-in cookie (not by a bearer token).</summary>
    public static bool IsCookieAuthenticated(this HttpContext context) =>
        context?.User.Identity is { IsAuthenticated: true, AuthenticationType: CookieScheme };

    /// <summary>The signed-in user's id, or null.</summary>
    public static string? GetUserId(this ClaimsPrincipal principal) =>
        principal?.Identity?.IsAuthenticated == true ? principal.FindFirstValue(ClaimTypes.NameIdentifier) : null;
}
