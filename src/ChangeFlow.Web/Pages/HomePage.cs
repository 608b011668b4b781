using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Pages;

/// <summary>
/// <c>GET /</c>: what ChangeFlow is, where its API reference is and how to sign in, for anyone (signed in or not).
/// It is where a browser lands, and where it is sent when a page needs a sign-in, until the web app exists.
/// </summary>
public static class HomePage
{
    /// <summary>The page's path, also the cookie scheme's sign-in path.</summary>
    public const string Path = "/";

    /// <summary>Maps <c>GET /</c> and <c>HEAD /</c> (anonymous).</summary>
    public static IEndpointRouteBuilder MapHomePage(this IEndpointRouteBuilder app)
    {
        app.MapMethods(Path, [HttpMethods.Get, HttpMethods.Head], WriteAsync)
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    private static Task WriteAsync(HttpContext context)
    {
        var root = context.Request.PathBase.Value?.TrimEnd('/') ?? string.Empty;
        const string title = "ChangeFlow";
        var html = new HtmlPage()
            .Element("h1", "ChangeFlow: changes and incidents, run by workflows")
            .Element("p", "ChangeFlow is a service for ITIL 4 change enablement and incident management. Change managers describe approval flows (CAB review, quorum, deadlines, rollback decision points) as workflow documents; requestors, CAB members, implementers and the service desk work through the tasks those workflows create.", "lead");

        if (context.User.GetUserId() is not null)
        {
            var name = context.User.Identity?.Name;
            var email = context.User.FindFirst(System.Security.Claims.ClaimTypes.Email)?.Value;
            html.Element("p", $"You are signed in as {name} ({email}).", "ok", "role=\"status\"");
        }

        html.Element("h2", "The API")
            .Markup("<ul>")
            .Markup($"<li><a href=\"{HtmlPage.Encode(root + "/api-reference")}\">API reference</a>: every endpoint, with its requests and answers, to try out.</li>")
            .Markup($"<li><a href=\"{HtmlPage.Encode(root + "/openapi/v1.json")}\">OpenAPI document</a> (<code>/openapi/v1.json</code>) for tools and client generators.</li>")
            .Markup($"<li><a href=\"{HtmlPage.Encode(root + "/health/ready")}\">Readiness</a> (<code>/health/ready</code>).</li>")
            .Markup("</ul>")
            .Element("h2", "Signing in")
            .Markup("<ul>")
            .Markup("<li>Browsers: <code>POST /api/auth/login</code> with <code>{\"email\": ..., \"password\": ...}</code> as JSON sets a sign-in cookie; <code>POST /api/auth/logout</code> ends it.</li>")
            .Markup("<li>Tools: send <code>Authorization: Bearer &lt;API token&gt;</code>. Signed in, issue yourself a token with <code>POST /api/users/me/tokens</code> <code>{\"name\": ...}</code>.</li>")
            .Markup("<li>The first administrator is <code>admin@localhost</code> unless configured; at first start its generated password is printed once in the service's log.</li>")
            .Markup("</ul>")
            .Element("p", "The README and docs/configuration.md of the repository say more.", "note");
        return HtmlPage.WriteAsync(context, StatusCodes.Status200OK, html.Render(title));
    }
}
