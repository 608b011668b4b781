using ChangeFlow.Application.Approvals;
using ChangeFlow.Web.Security;
using Microsoft.AspNetCore.Http.Features;

namespace ChangeFlow.Web.Pages;

/// <summary>
/// The pages behind the Approve / Reject links of approval e-mails, usable without signing in (the link is the proof).
/// <c>GET /mail/approvals/{token}</c> only shows: mail security scanners and link previews open links by themselves,
/// so opening a link must never decide anything. It shows the change and a button (and, to reject, a comment box);
/// pressing it posts the token in the form to <c>POST /mail/approvals</c>, which decides as the link's recipient.
/// Every refusal is a page that says why, with a 4xx status, and changes nothing.
/// </summary>
public static class MailApprovalPages
{
    /// <summary>Where the confirmation form posts (the token travels in the form body, not the address).</summary>
    public const string DecisionPath = "/" + ApprovalLinks.PathPrefix;

    private const int MaxFormBytes = 64 * 1024;

    /// <summary>Maps the two endpoints (anonymous).</summary>
    public static IEndpointRouteBuilder MapMailApprovalPages(this IEndpointRouteBuilder app)
    {
        app.MapMethods(DecisionPath + "/{token}", [HttpMethods.Get, HttpMethods.Head], OpenAsync)
            .AllowAnonymous()
            .ExcludeFromDescription();
        app.MapPost(DecisionPath, DecideAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
        return app;
    }

    private static async Task OpenAsync(HttpContext context, string token, MailApprovalService approvals)
    {
        var page = await approvals.OpenAsync(token, context.RequestAborted);
        await WriteAsync(context, page, token, comment: null);
    }

    // The token in the form is what proves the right to decide, so a forged cross-site form would need the token
    // itself; the Origin and Sec-Fetch-Site checks add that the form came from this site's own page where the browser
    // says so. The page is served with no-referrer, so browsers send "Origin: null" on its form: that says nothing.
    private static async Task DecideAsync(HttpContext context, MailApprovalService approvals)
    {
        var request = context.Request;
        if (!CrossSiteRequestGuard.IsFromThisSite(request, opaqueOriginAllowed: true))
        {
            await Problem(context, StatusCodes.Status403Forbidden, "Not sent from ChangeFlow", "This decision was not sent from ChangeFlow's own page, so it was ignored. Open the link from your e-mail again.");
            return;
        }

        if (!request.HasFormContentType)
        {
            await Problem(context, StatusCodes.Status415UnsupportedMediaType, "Not a form", "Send the confirmation form as the page does (application/x-www-form-urlencoded).");
            return;
        }

        if (request.ContentLength > MaxFormBytes)
        {
            await Problem(context, StatusCodes.Status413PayloadTooLarge, "Too long", "The form is too long.");
            return;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { ValueCountLimit = 8, KeyLengthLimit = 64, ValueLengthLimit = MaxFormBytes, MultipartBodyLengthLimit = MaxFormBytes }, context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            await Problem(context, StatusCodes.Status400BadRequest, "Unreadable form", "The form could not be read. Open the link from your e-mail again.");
            return;
        }

        var token = form["token"].Count == 1 ? form["token"][0] : null;
        var comment = form["comment"].Count <= 1 ? form["comment"].FirstOrDefault() : null;
        var page = await approvals.DecideAsync(token, comment, context.RequestAborted);
        await WriteAsync(context, page, token, comment);
    }

    private static Task WriteAsync(HttpContext context, LinkPage page, string? token, string? comment)
    {
        var status = Status(page.Outcome);
        var html = new HtmlPage();
        var number = page.Change?.Number ?? page.Task?.SubjectId;
        var action = page.Claims?.Action;
        string title;
        switch (page.Outcome)
        {
            case LinkOutcome.Ready or LinkOutcome.CommentInvalid:
                title = $"{(action == ApprovalAction.Approve ? "Approve" : "Reject")} {number}?";
                html.Element("h1", title);
                if (page.Outcome == LinkOutcome.Ready)
                {
                    html.Element("p", page.Message, "lead");
                }

                Summary(html, page);
                Form(html, context, page, token!, comment);
                break;
            case LinkOutcome.Recorded or LinkOutcome.Pending:
                title = action == ApprovalAction.Approve ? $"{number} approved" : $"{number} rejected";
                html.Element("h1", title).Element("p", page.Message, "lead ok", "role=\"status\"");
                if (page.Outcome == LinkOutcome.Recorded && page.Task?.Comment is { Length: > 0 } said)
                {
                    html.Facts([("Your comment", said)]);
                }

                html.Element("p", "You can close this page. The decision is in the change's timeline, and the workflow takes it from here.", "note");
                break;
            default:
                title = Heading(page.Outcome);
                html.Element("h1", title).Element("p", page.Message, "lead problem", "role=\"alert\"");
                if (number is not null)
                {
                    html.Facts([("Change", page.Change is { } c ? $"{c.Number}: {c.Title}" : number)]);
                }

                html.Element("p", "Nothing was changed. Your task inbox in ChangeFlow always shows what is still yours to decide.", "note");
                break;
        }

        return HtmlPage.WriteAsync(context, status, html.Render(title));
    }

    private static void Summary(HtmlPage html, LinkPage page)
    {
        if (page.Change is { } c)
        {
            html.Element("h2", "The change").Facts(
            [
                ("Change", $"{c.Number}: {c.Title}"),
                ("Type", $"{c.Type} · {c.Category}"),
                ("Risk", c.Risk),
                ("Window", c.Window),
                ("Requested by", c.Requestor),
                ("Why", c.Justification),
                ("Impact", c.Impact),
                ("Rollback plan", new HtmlPage.Steps(c.RollbackSteps)),
                ("Rollback takes", c.RollbackDuration),
                ("Rollback decided by", c.RollbackDecisionPoint),
            ]);
        }

        if (page.Task is { } task)
        {
            html.Element("h2", "Your task").Facts(
            [
                ("Task", task.Title),
                ("Details", task.Description),
                ("Due", task.DueAt is { } due ? Time(page, due) : null),
            ]);
        }
    }

    private static string Time(LinkPage page, DateTimeOffset instant) =>
        page.Change?.Format(instant) ?? $"{instant.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";

    private static void Form(HtmlPage html, HttpContext context, LinkPage page, string token, string? comment)
    {
        var approve = page.Claims!.Action == ApprovalAction.Approve;
        var invalid = page.Outcome == LinkOutcome.CommentInvalid;
        var action = $"{context.Request.PathBase}{DecisionPath}";
        html.Markup($"<form method=\"post\" action=\"{HtmlPage.Encode(action)}\">")
            .Markup($"<input type=\"hidden\" name=\"token\" value=\"{HtmlPage.Encode(token)}\">")
            .Markup($"<label for=\"comment\">{(approve ? "Comment (optional)" : "Why do you reject it? (required)")}</label>");
        if (invalid)
        {
            html.Element("p", page.Message, "error", "id=\"comment-error\" role=\"alert\"");
        }

        html.Markup($"<textarea id=\"comment\" name=\"comment\" rows=\"5\" maxlength=\"{MailApprovalService.MaxCommentLength}\"{(approve ? string.Empty : " required")}{(invalid ? " aria-invalid=\"true\" aria-describedby=\"comment-error\"" : string.Empty)}>")
            .Markup(HtmlPage.Encode(comment))
            .Markup("</textarea>")
            .Markup(approve
                ? $"<button type=\"submit\" class=\"approve\">Approve {HtmlPage.Encode(page.Task!.SubjectId)}</button>"
                : $"<button type=\"submit\" class=\"reject\">Reject {HtmlPage.Encode(page.Task!.SubjectId)}</button>")
            .Markup("</form>");
        var user = page.User!;
        html.Element("p", $"You are deciding as {user.DisplayName} ({user.Email}). This link works once, until {Time(page, page.Claims.ExpiresAt)}.", "note");
    }

    private static int Status(LinkOutcome outcome) => outcome switch
    {
        LinkOutcome.Ready or LinkOutcome.Recorded => StatusCodes.Status200OK,
        LinkOutcome.Pending => StatusCodes.Status202Accepted,
        LinkOutcome.CommentInvalid => StatusCodes.Status422UnprocessableEntity,
        LinkOutcome.Invalid => StatusCodes.Status400BadRequest,
        LinkOutcome.Expired => StatusCodes.Status410Gone,
        LinkOutcome.Used or LinkOutcome.Decided => StatusCodes.Status409Conflict,
        LinkOutcome.NotYours or LinkOutcome.SelfApproval or LinkOutcome.Inactive or LinkOutcome.Disabled => StatusCodes.Status403Forbidden,
        LinkOutcome.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status400BadRequest,
    };

    private static string Heading(LinkOutcome outcome) => outcome switch
    {
        LinkOutcome.Invalid => "This link is not valid",
        LinkOutcome.Expired => "This link has expired",
        LinkOutcome.Used => "This link was already used",
        LinkOutcome.Decided => "Already decided",
        LinkOutcome.NotYours => "This decision is no longer yours",
        LinkOutcome.SelfApproval => "You may not decide on your own change",
        LinkOutcome.Inactive => "This account cannot decide",
        LinkOutcome.NotFound => "Task not found",
        LinkOutcome.Disabled => "Approving by e-mail is off",
        _ => "This link cannot be used",
    };

    private static Task Problem(HttpContext context, int status, string title, string message)
    {
        var html = new HtmlPage().Element("h1", title).Element("p", message, "lead problem", "role=\"alert\"")
            .Element("p", "Nothing was changed.", "note");
        return HtmlPage.WriteAsync(context, status, html.Render(title));
    }
}
