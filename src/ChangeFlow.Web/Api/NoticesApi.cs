using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Time;
using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Api;

/// <summary>
/// What stakeholders are told: a change's window and communication plan (editing either reschedules the notices not
/// sent yet), the notices queued for a change, and the message templates with a preview that renders any of them for
/// a stored change or the RFC-2026-014 sample.
/// </summary>
public static class NoticesApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapNoticesApi(this IEndpointRouteBuilder app)
    {
        var changes = app.MapGroup("/api/changes").WithTags("Changes");
        changes.MapPut("/{number}/window", MoveWindowAsync).RequireAuthorization(Policies.SubmitChanges).WithIdempotency()
            .Accepts<MoveWindowBody>("application/json").Produces<ChangeRecordDocument>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Moves the window of a change not yet implemented (plan steps, decision point and review move with it): { expectedState, window: { start, end, timeZoneId }, reason? }. A scheduled change's pending notices are rescheduled and people already told get the new window.");
        changes.MapPut("/{number}/communication-plan", UpdatePlanAsync).RequireAuthorization(Policies.SubmitChanges).WithIdempotency()
            .Accepts<CommunicationPlanBody>("application/json").Produces<ChangeRecordDocument>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Replaces the communication plan: { expectedState, communicationPlan: [rows] }. A scheduled change's pending notices are rescheduled from it.");
        changes.MapGet("/{number}/notices", ListNoticesAsync).RequireAuthorization(Policies.ChangeManagement)
            .WithSummary("The notices of a change in the outbox, by send time: recipient, template, status, subject, attachments.");

        var templates = app.MapGroup("/api/templates").WithTags("Templates").RequireAuthorization(Policies.ChangeManagement);
        templates.MapGet("/", (FluidMessageTemplates all) => TypedResults.Ok(all.Describe()))
            .WithSummary("Lists the message templates: built in or overridden from the data directory's templates folder, per part, with any problem of an override.");
        templates.MapPost("/{name}/preview", PreviewAsync)
            .Accepts<TemplatePreviewBody>("application/json")
            .WithSummary("Renders a template for a stored change ({ change: \"RFC-2026-014\" }) or, without one, the RFC-2026-014 sample; recipient, message, audience and reason are optional.");
        return app;
    }

    private static async Task<IResult> MoveWindowAsync(string number, HttpRequest request, ChangeService changes, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "expectedState", "window", "reason");
        if (body is null)
        {
            return problem!;
        }

        var expected = body.Enum<ChangeState>("expectedState", required: true);
        var reason = body.Text("reason");
        var node = body.Object("window");
        if (node is null && body.Node("window") is null)
        {
            body.Errors.Add(new DomainError("window", ErrorCodes.Required, "The new window is required: { start, end, timeZoneId }."));
        }

        if (body.Errors.Count > 0)
        {
            return ApiResults.Invalid(body.Errors);
        }

        var parsed = DossierParser.Parse(new JsonObject { ["window"] = node!.DeepClone() }.ToJsonString(), new DossierReadOptions { RequireComplete = false });
        if (!parsed.IsSuccess)
        {
            return ApiResults.Invalid(parsed.Errors);
        }

        if (parsed.Value.Window is not { } window)
        {
            return ApiResults.Invalid("window", ErrorCodes.Required, "The new window is required: { start, end, timeZoneId }.");
        }

        return ApiResults.From(await changes.MoveWindowAsync(number, window, expected!.Value, reason, user.UserId!, user.Roles, ct), ChangesApi.Ok);
    }

    private static async Task<IResult> UpdatePlanAsync(string number, HttpRequest request, ChangeService changes, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "expectedState", "communicationPlan");
        if (body is null)
        {
            return problem!;
        }

        var expected = body.Enum<ChangeState>("expectedState", required: true);
        var rows = body.Node("communicationPlan");
        if (rows is not JsonArray)
        {
            body.Errors.Add(new DomainError("communicationPlan", rows is null ? ErrorCodes.Required : ErrorCodes.Invalid, "The communication plan is required, as a list of rows (an empty list removes every row)."));
        }

        if (body.Errors.Count > 0)
        {
            return ApiResults.Invalid(body.Errors);
        }

        var parsed = DossierParser.Parse(new JsonObject { ["communicationPlan"] = rows!.DeepClone() }.ToJsonString(), new DossierReadOptions { RequireComplete = false });
        if (!parsed.IsSuccess)
        {
            return ApiResults.Invalid(parsed.Errors);
        }

        return ApiResults.From(await changes.UpdateCommunicationPlanAsync(number, parsed.Value.CommunicationPlan, expected!.Value, user.UserId!, user.Roles, ct), ChangesApi.Ok);
    }

    private static async Task<IResult> ListNoticesAsync(string number, ChangeService changes, IOutbox outbox, CancellationToken ct)
    {
        var found = await changes.GetAsync(number, ct);
        if (!found.IsOk)
        {
            return ApiResults.From(found, _ => Results.Empty);
        }

        var entries = new List<OutboxEntry>();
        for (var skip = 0; ; skip += 500)
        {
            var page = await outbox.ListAsync(new OutboxQuery(CorrelationKey: NoticeScheduler.CorrelationKey(found.Value!.Number)), skip, 500, ct);
            entries.AddRange(page.Items);
            if (page.Items.Count < 500)
            {
                break;
            }
        }

        return TypedResults.Ok(entries
            .OrderBy(e => e.Message.NotBefore ?? e.CreatedAt).ThenBy(e => e.Message.Id, StringComparer.Ordinal)
            .Select(e => new
            {
                id = e.Message.Id,
                template = e.Message.Kind,
                row = e.Message.Headers.GetValueOrDefault(NoticeScheduler.NoticeHeader),
                revision = e.Message.Headers.GetValueOrDefault(NoticeScheduler.RevisionHeader),
                status = e.Status.ToString(),
                notBefore = e.Message.NotBefore,
                to = e.Message.To.Select(r => new { address = r.Address, name = r.Name }),
                subject = e.Message.Subject,
                attachments = e.Message.Attachments.Select(a => new { a.FileName, a.ContentType, size = a.Content.Length }),
                createdAt = e.CreatedAt,
                sentAt = e.SentAt,
                attempts = e.Attempts,
                lastError = e.LastError,
            }));
    }

    private static async Task<IResult> PreviewAsync(
        string name, HttpRequest request, FluidMessageTemplates templates, NoticeScheduler notices, NoticeOptions options, ChangeService changes, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: true, "change", "recipient", "message", "audience", "reason");
        if (body is null)
        {
            return problem!;
        }

        var number = body.Text("change", maxLength: 32);
        var message = body.Text("message");
        var audience = body.Text("audience", maxLength: 200);
        var reason = body.Text("reason", maxLength: 32);
        var recipient = ReadRecipient(body);
        if (body.Errors.Count > 0)
        {
            return ApiResults.Invalid(body.Errors);
        }

        if (!templates.Names.Contains(name))
        {
            return ApiResults.From(
                Application.Common.CommandResult.NotFound<object>("name", $"No template '{name}'; known: {string.Join(", ", templates.Names)}."),
                _ => Results.Empty);
        }

        ChangeRecord record;
        if (number is null)
        {
            record = NoticeSamples.Record();
        }
        else
        {
            var found = await changes.GetAsync(number, ct);
            if (!found.IsOk)
            {
                return ApiResults.From(found, _ => Results.Empty);
            }

            record = found.Value!;
        }

        var plan = record.Change.CommunicationPlan;
        var row = plan.FirstOrDefault(r => (r.Template ?? NoticeTemplates.MaintenanceNotice) == name) ?? (plan.Count > 0 ? plan[0] : null);
        var details = new NoticeDetails
        {
            Template = name,
            Message = message ?? row?.Message,
            Audience = audience ?? row?.Audience,
            RowId = row?.Id,
            Reason = reason ?? "preview",
            Invite = name == NoticeTemplates.MaintenanceNotice,
        };
        var now = time.GetUtcNow();
        try
        {
            RenderedMessage rendered;
            IReadOnlyDictionary<string, object?> model;
            if (number is null)
            {
                var sample = NoticeModel.Build(record, recipient ?? NoticeSamples.Recipient, NoticeSamples.Facts(options), details, now);
                sample["failure"] = NoticeSamples.Failure(now);
                model = sample;
                rendered = await templates.RenderAsync(name, sample, ct);
            }
            else
            {
                (rendered, model) = await notices.PreviewAsync(record, name, recipient ?? NoticeSamples.Recipient, details, now, ct);
            }

            return TypedResults.Ok(new
            {
                template = name,
                change = record.Number,
                sample = number is null,
                subject = rendered.Subject,
                html = rendered.HtmlBody,
                text = rendered.TextBody,
                model,
            });
        }
        catch (TemplateException ex)
        {
            return ApiResults.Invalid(ex.Part is null ? "template" : $"template.{ex.Part}", ErrorCodes.Invalid, ex.Message);
        }
    }

    private static NoticeRecipient? ReadRecipient(CommandBody body)
    {
        var node = body.Object("recipient");
        if (node is null)
        {
            return null;
        }

        string? Field(string field, int max)
        {
            if (!node.TryGetPropertyValue(field, out var value) || value is null)
            {
                return null;
            }

            if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length <= max)
            {
                return text.Trim();
            }

            body.Errors.Add(new DomainError($"recipient.{field}", ErrorCodes.Invalid, $"'{field}' must be a string of at most {max} characters."));
            return null;
        }

        foreach (var (key, _) in node)
        {
            if (key is not ("email" or "name" or "timeZoneId" or "culture"))
            {
                body.Errors.Add(new DomainError($"recipient.{key}", ErrorCodes.Unknown, $"'{key}' is not a member of a recipient (email, name, timeZoneId, culture)."));
            }
        }

        var email = Field("email", 254) ?? NoticeSamples.Recipient.Address;
        var zone = Field("timeZoneId", 64) ?? NoticeSamples.Recipient.TimeZoneId;
        var culture = Field("culture", 16) ?? NoticeCultures.Default;
        var display = Field("name", 200);
        if (!System.Net.Mail.MailAddress.TryCreate(email, out var address) || address.Address != email)
        {
            body.Errors.Add(new DomainError("recipient.email", ErrorCodes.Invalid, $"'{email}' is not an e-mail address."));
        }

        body.Errors.AddRange(ZoneCalendar.Find(zone, "recipient.timeZoneId").Errors);
        if (!NoticeCultures.IsSupported(culture))
        {
            body.Errors.Add(new DomainError("recipient.culture", ErrorCodes.Invalid, NoticeCultures.Describe(culture)));
        }

        return new NoticeRecipient(email, display, zone, culture);
    }
}

/// <summary>Moves a change's window.</summary>
/// <param name="ExpectedState">The state the caller saw.</param>
/// <param name="Window">The new window.</param>
/// <param name="Reason">Why, for the timeline and the people told.</param>
public sealed record MoveWindowBody(ChangeState ExpectedState, ChangeWindowDto Window, string? Reason);

/// <summary>Replaces a change's communication plan.</summary>
/// <param name="ExpectedState">The state the caller saw.</param>
/// <param name="CommunicationPlan">The rows.</param>
public sealed record CommunicationPlanBody(ChangeState ExpectedState, IReadOnlyList<CommunicationRowDto> CommunicationPlan);

/// <summary>What to preview a template with; every member is optional.</summary>
/// <param name="Change">A stored change's number; the RFC-2026-014 sample when absent.</param>
/// <param name="Recipient">Who reads it: email, name, timeZoneId, culture.</param>
/// <param name="Message">The notice's message.</param>
/// <param name="Audience">The audience as the plan names it.</param>
/// <param name="Reason">scheduled, updated, cancelled, outcome.</param>
public sealed record TemplatePreviewBody(string? Change, JsonObject? Recipient, string? Message, string? Audience, string? Reason);
