using ChangeFlow.Application.Common;
using ChangeFlow.Web.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;

namespace ChangeFlow.Web.Security;

/// <summary>
/// Refuses state changes that ride on the browser's sign-in cookie but may have been started by another site. The
/// cookie is SameSite=Strict, so a browser should never send it on such a request; this makes the server sure of it
/// too. An unsafe request (POST, PUT, PATCH, DELETE) that carries the sign-in cookie, or signs in to get one, and no
/// bearer token is refused with 403 when the browser says it comes from elsewhere (<c>Sec-Fetch-Site</c> other than
/// <c>same-origin</c> or <c>none</c>, or an <c>Origin</c> that is neither this request's own nor
/// <c>ChangeFlow:PublicBaseUrl</c>'s), and with 415 when it has a body that is not JSON: another site can send a
/// plain-text or form body without asking, but not <c>application/json</c>. Tools with bearer tokens are not
/// concerned (no browser sends those by itself), nor are endpoints that opt out of antiforgery because they check a
/// proof of their own (<c>DisableAntiforgery()</c>, the approve-by-e-mail form).
/// </summary>
public sealed class CrossSiteRequestGuard
{
    private readonly RequestDelegate _next;

    /// <summary>Creates the middleware.</summary>
    public CrossSiteRequestGuard(RequestDelegate next) => _next = next;

    /// <summary>Passes the request on, or answers 403 or 415 with a problem.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!IsStateChange(request.Method) || BearerTokenHandler.HasBearer(request) || !InvolvesSignInCookie(request) || HasOwnProof(context))
        {
            return _next(context);
        }

        if (!IsFromThisSite(request, opaqueOriginAllowed: false))
        {
            return ErrorResponses.WriteProblemAsync(
                context,
                StatusCodes.Status403Forbidden,
                "Sent from another site",
                "A request signed in by the browser's cookie must come from ChangeFlow's own pages (Origin and Sec-Fetch-Site say it did not). Tools send Authorization: Bearer <API token>.");
        }

        // The Hangfire dashboard's own buttons post forms; its pages are same-origin and administrators only.
        if (HasBody(request) && !request.HasJsonContentType() && !request.Path.StartsWithSegments("/hangfire"))
        {
            return ErrorResponses.WriteProblemAsync(
                context,
                StatusCodes.Status415UnsupportedMediaType,
                "The body must be JSON",
                "A request signed in by the browser's cookie must send its body as Content-Type: application/json.");
        }

        return _next(context);
    }

    /// <summary>
    /// Whether the browser says <paramref name="request"/> comes from this site's own pages, or says nothing (a tool,
    /// an old browser): <c>Sec-Fetch-Site</c>, when sent, is <c>same-origin</c> or <c>none</c> (typed or bookmarked),
    /// and <c>Origin</c>, when sent, is the request's own scheme and host or that of <c>ChangeFlow:PublicBaseUrl</c>.
    /// <paramref name="opaqueOriginAllowed"/> accepts <c>Origin: null</c>, which browsers send from pages served with
    /// <c>Referrer-Policy: no-referrer</c> but also from sandboxed frames of any site.
    /// </summary>
    public static bool IsFromThisSite(HttpRequest request, bool opaqueOriginAllowed)
    {
        ArgumentNullException.ThrowIfNull(request);
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (origin == "null")
        {
            return opaqueOriginAllowed;
        }

        var own = $"{request.Scheme}://{request.Host}";
        var configured = request.HttpContext.RequestServices.GetRequiredService<IPublicUrls>().BaseUrl.GetLeftPart(UriPartial.Authority);
        return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) || string.Equals(origin, configured, StringComparison.OrdinalIgnoreCase);
    }

    // An endpoint that opts out of antiforgery (the approve-by-e-mail form) ignores the cookie and checks its own proof
    // (the signed link token, and the origin as its page allows): a signed-in approver's browser still sends the cookie.
    private static bool HasOwnProof(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<IAntiforgeryMetadata>() is { RequiresValidation: false };

    private static bool IsStateChange(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static bool InvolvesSignInCookie(HttpRequest request) =>
        request.Cookies.ContainsKey(ChangeFlowAuthentication.CookieName) || request.Path.StartsWithSegments("/api/auth/login");

    // The server knows (a Content-Length above 0, chunked, an HTTP/2 stream left open); the headers are the fallback.
    private static bool HasBody(HttpRequest request) =>
        request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody
        ?? (request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0));
}
