using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Calendar;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Security;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Requests for change: create and submit the RFC dossier, read and list changes, report implementation and rollback
/// steps, validate, cancel, the audit timeline, the deploy gate for pipelines and the forward schedule as iCalendar.
/// Commands take the state the caller saw (<c>expectedState</c>) and answer 409 when the change has moved on.
/// </summary>
public static class ChangesApi
{
    /// <summary>The status of a closed deploy gate: 423 Locked, with the reason and, before the window, Retry-After.</summary>
    public const int GateClosedStatus = StatusCodes.Status423Locked;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapChangesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/changes").WithTags("Changes");

        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.SubmitChanges).WithIdempotency()
            .Accepts<CreateChangeBody>("application/json").Produces<ChangeRecordDocument>(StatusCodes.Status201Created).ProducesValidationProblem()
            .WithSummary("Creates a change from its RFC dossier ({ dossier, templateId?, submit? }); with submit=true it is routed and its workflow started at once. Returns the RFC number.");
        group.MapGet("/", ListAsync)
            .WithSummary("Lists changes, newest first: ?state=&type=&from=&to= (window overlapping [from, to)) &requestor=&skip=&take=.");
        group.MapGet("/{number}", GetAsync).Produces<ChangeRecordDocument>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Gets a change: its dossier, state, workflow, CAB slot and step progress. The ETag is the record version.");
        group.MapPost("/{number}/submit", SubmitAsync).RequireAuthorization(Policies.SubmitChanges).WithIdempotency()
            .Accepts<ChangeCommandBody>("application/json").Produces<ChangeRecordDocument>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Submits a New change: { expectedState: \"New\" }.");
        group.MapPost("/{number}/steps/{stepId}", (string number, string stepId, HttpRequest request, ChangeService changes, HttpCurrentUser user, CancellationToken ct) =>
                ReportStepAsync(number, stepId, rollback: false, request, changes, user, ct))
            .RequireAuthorization(Policies.Implementation).WithIdempotency()
            .Accepts<StepReportBody>("application/json").Produces<ChangeRecordDocument>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Reports an implementation step: { status: \"Done\"|\"Failed\", note?, expectedState: \"Implement\" }.");
        group.MapPost("/{number}/rollback-steps/{stepId}", (string number, string stepId, HttpRequest request, ChangeService changes, HttpCurrentUser user, CancellationToken ct) =>
                ReportStepAsync(number, stepId, rollback: true, request, changes, user, ct))
            .RequireAuthorization(Policies.Implementation).WithIdempotency()
            .Accepts<StepReportBody>("application/json").Produces<ChangeRecordDocument>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Reports a rollback step (rb-1, rb-2 ...): { status, note?, expectedState: \"Implement\" }.");
        group.MapPost("/{number}/validate", ValidateAsync).RequireAuthorization(Policies.Implementation).WithIdempotency()
            .Accepts<ChangeCommandBody>("application/json").Produces<ChangeRecordDocument>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Records that the implemented change was validated before its hard rollback decision point: { expectedState: \"Implement\", note? }.");
        group.MapPost("/{number}/cancel", CancelAsync).RequireAuthorization(Policies.SubmitChanges).WithIdempotency()
            .Accepts<CancelChangeBody>("application/json").Produces<ChangeRecordDocument>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Cancels a change that has not been implemented: { expectedState, reason }.");
        group.MapGet("/{number}/timeline", TimelineAsync).WithSummary("The audit trail: who did what, when, in which workflow step.");
        group.MapGet("/{number}/deploy-gate", DeployGateAsync).Produces<DeployGateDecision>().Produces<DeployGateDecision>(GateClosedStatus)
            .WithSummary("200 with allowed=true only inside the authorized window of the change; otherwise 423 with the reason (and Retry-After before the window).");

        app.MapGet("/api/calendar/changes.ics", CalendarAsync).WithTags("Changes")
            .WithSummary("The forward schedule of changes as iCalendar (?from=&to=, default 30 days back to 180 days ahead).");
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, ChangeService changes, HttpCurrentUser user, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "dossier", "templateId", "submit");
        if (body is null)
        {
            return problem!;
        }

        var templateId = body.Text("templateId", maxLength: 200);
        var submit = body.Flag("submit");
        var dossierNode = body.Node("dossier");
        if (dossierNode is null)
        {
            body.Errors.Add(new DomainError("dossier", ErrorCodes.Required, "The RFC dossier is required."));
        }

        if (body.Errors.Count > 0)
        {
            return ApiResults.Invalid(body.Errors);
        }

        if (request.HttpContext.CommittedResourceId() is { } committed)
        {
            // A retry of a creation committed under this Idempotency-Key whose answer was lost (the process died):
            // answer for that change, and finish the submission it asked for, instead of creating it again.
            var resumed = InDossier(await changes.ResumeCreatedAsync(committed, submit, user.UserId!, user.Roles, ct));
            return resumed.IsOk ? Created(resumed.Value!) : CreatedButRefused(resumed, committed);
        }

        // The submission instant is the server's to record: a dossier that leaves it out gets the server's clock
        // (submitting sets it again), one that gives it keeps it.
        var submittedAt = dossierNode is JsonObject fields && fields["submittedAt"] is null ? time.GetUtcNow() : (DateTimeOffset?)null;
        var parsed = DossierParser.Parse(dossierNode!.ToJsonString(), new DossierReadOptions { PathPrefix = "dossier", SubmittedAt = submittedAt });
        if (!parsed.IsSuccess)
        {
            return ApiResults.Invalid(parsed.Errors);
        }

        var created = InDossier(await changes.CreateAsync(parsed.Value, templateId, user.UserId!, user.Roles, request.HttpContext.IdempotencyClaim(), ct));
        if (!created.IsOk || !submit)
        {
            return ApiResults.From(created, record => (IResult)Created(record));
        }

        var submitted = InDossier(await changes.SubmitAsync(created.Value!.Number, ChangeState.New, user.UserId!, user.Roles, ct));

        // The change exists (and keeps its number) even when submission refused it: the answer says both.
        return submitted.IsOk ? Created(submitted.Value!) : CreatedButRefused(submitted, created.Value!.Number);
    }

    private static ApiResults.WithHeaders CreatedButRefused(CommandResult<ChangeRecord> refused, string number) =>
        new(ApiResults.From(refused, _ => Results.Empty), ("Location", $"/api/changes/{number}"), ("X-Change-Number", number));

    /// <summary>
    /// The change service names dossier fields from the dossier's root (<c>impact.configurationItemIds[0]</c>); in
    /// this body the dossier is the member <c>dossier</c>, so its fields are reported as <c>dossier.impact...</c> like
    /// the parser's. Errors about the envelope (<c>templateId</c>) or the routed workflow keep their names.
    /// </summary>
    private static CommandResult<ChangeRecord> InDossier(CommandResult<ChangeRecord> result) =>
        result.Status != CommandStatus.Invalid
            ? result
            : result with
            {
                Errors = [.. result.Errors.Select(e => e.Path is "templateId" or "workflow" or "number" or "version" || e.Path.StartsWith("dossier", StringComparison.Ordinal)
                    ? e
                    : e with { Path = e.Path.Length == 0 ? "dossier" : e.Path.StartsWith('[') ? "dossier" + e.Path : "dossier." + e.Path })],
            };

    private static ApiResults.WithHeaders Created(ChangeRecord record) =>
        new(
            ApiResults.WithVersion(Results.Json(View(record), DossierJson.StorageOptions, statusCode: StatusCodes.Status201Created), record.Version),
            ("Location", $"/api/changes/{record.Number}"));

    private static async Task<IResult> ListAsync(
        string? state, string? type, string? from, string? to, string? requestor, string? skip, string? take,
        IChangeStore store, CancellationToken ct)
    {
        var errors = new List<DomainError>();
        var parsedState = QueryValues.Enum<ChangeState>("state", state, errors);
        var parsedType = QueryValues.Enum<ChangeType>("type", type, errors);
        var (f, t) = (QueryValues.Instant("from", from, errors), QueryValues.Instant("to", to, errors));
        var (skipCount, takeCount) = (QueryValues.Int("skip", skip, errors), QueryValues.Int("take", take, errors));
        if (f is { } start && t is { } end && end <= start)
        {
            errors.Add(new DomainError("to", ErrorCodes.OutOfOrder, "'to' must be after 'from'."));
        }

        if (skipCount is < 0)
        {
            errors.Add(new DomainError("skip", ErrorCodes.OutOfRange, "'skip' must not be negative."));
        }

        if (takeCount is < 1 or > 500)
        {
            errors.Add(new DomainError("take", ErrorCodes.OutOfRange, "'take' must be between 1 and 500."));
        }

        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        var page = await store.ListAsync(new ChangeQuery(parsedState, parsedType, f, t, RequestorId: requestor, Skip: skipCount ?? 0, Take: takeCount ?? 50), ct);
        return Results.Json(
            new { items = page.Items.Select(View), total = page.Total, skip = page.Skip, take = page.Take },
            DossierJson.StorageOptions);
    }

    private static async Task<IResult> GetAsync(string number, ChangeService changes, CancellationToken ct) =>
        ApiResults.From(await changes.GetAsync(number, ct), Ok);

    private static async Task<IResult> SubmitAsync(string number, HttpRequest request, ChangeService changes, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "expectedState");
        if (body is null)
        {
            return problem!;
        }

        var expected = body.Enum<ChangeState>("expectedState", required: true);
        return body.Errors.Count > 0
            ? ApiResults.Invalid(body.Errors)
            : ApiResults.From(await changes.SubmitAsync(number, expected!.Value, user.UserId!, user.Roles, ct), Ok);
    }

    private static async Task<IResult> ReportStepAsync(string number, string stepId, bool rollback, HttpRequest request, ChangeService changes, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "status", "note", "expectedState");
        if (body is null)
        {
            return problem!;
        }

        var status = body.Enum<StepStatus>("status", required: true);
        var note = body.Text("note");
        var expected = body.Enum<ChangeState>("expectedState", required: true);
        if (status == StepStatus.Pending)
        {
            body.Errors.Add(new DomainError("status", ErrorCodes.Invalid, "A step is reported Done or Failed."));
        }

        if (status == StepStatus.Failed && string.IsNullOrWhiteSpace(note))
        {
            body.Errors.Add(new DomainError("note", ErrorCodes.Required, "Say what failed: a failed step needs a note."));
        }

        if (body.Errors.Count > 0)
        {
            return ApiResults.Invalid(body.Errors);
        }

        var id = rollback && !stepId.StartsWith("rb-", StringComparison.Ordinal) ? "rb-" + stepId : stepId;
        return ApiResults.From(await changes.ReportStepAsync(number, id, status!.Value, note, expected!.Value, user.UserId!, user.Roles, ct), Ok);
    }

    private static async Task<IResult> ValidateAsync(string number, HttpRequest request, ChangeService changes, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "expectedState", "note");
        if (body is null)
        {
            return problem!;
        }

        var expected = body.Enum<ChangeState>("expectedState", required: true);
        var note = body.Text("note");
        return body.Errors.Count > 0
            ? ApiResults.Invalid(body.Errors)
            : ApiResults.From(await changes.ValidateAsync(number, expected!.Value, note, user.UserId!, user.Roles, ct), Ok);
    }

    private static async Task<IResult> CancelAsync(string number, HttpRequest request, ChangeService changes, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "expectedState", "reason");
        if (body is null)
        {
            return problem!;
        }

        var expected = body.Enum<ChangeState>("expectedState", required: true);
        var reason = body.Text("reason", required: true);
        return body.Errors.Count > 0
            ? ApiResults.Invalid(body.Errors)
            : ApiResults.From(await changes.CancelAsync(number, expected!.Value, reason, user.UserId!, user.Roles, ct), Ok);
    }

    private static async Task<IResult> TimelineAsync(string number, ChangeService changes, ITimelineStore timeline, IUserDirectory users, CancellationToken ct)
    {
        var found = await changes.GetAsync(number, ct);
        return found.IsOk
            ? await PeopleNames.TimelineAsync(await timeline.ListAsync(found.Value!.Number, ct), users, ct)
            : ApiResults.From(found, _ => Results.Empty);
    }

    private static async Task<IResult> DeployGateAsync(string number, ChangeService changes, TimeProvider time, CancellationToken ct)
    {
        var found = await changes.GetAsync(number, ct);
        if (!found.IsOk)
        {
            return ApiResults.From(found, _ => Results.Empty);
        }

        var decision = DeployGate.Evaluate(found.Value!, time.GetUtcNow());
        var body = new
        {
            allowed = decision.Allowed,
            reason = decision.Reason,
            change = decision.Change,
            state = decision.State.ToString(),
            windowStart = decision.WindowStart,
            windowEnd = decision.WindowEnd,
        };
        if (decision.Allowed)
        {
            return TypedResults.Ok(body);
        }

        var closed = TypedResults.Json(body, statusCode: GateClosedStatus);
        return decision.RetryAfter is { } wait
            ? new ApiResults.WithHeaders(closed, ("Retry-After", ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)))
            : closed;
    }

    private static Task<IResult> CalendarAsync(string? from, string? to, HttpContext context) =>
        ForwardScheduleAsync(from, to, context.RequestServices, context.RequestAborted);

    /// <summary>
    /// The forward schedule between <paramref name="from"/> and <paramref name="to"/> (default 30 days back to 180
    /// days ahead, at most three years) as iCalendar: the same answer at the signed-in address and at a feed address.
    /// </summary>
    internal static async Task<IResult> ForwardScheduleAsync(string? from, string? to, IServiceProvider services, CancellationToken ct)
    {
        var errors = new List<DomainError>();
        var (f, t) = (QueryValues.Instant("from", from, errors), QueryValues.Instant("to", to, errors));
        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var start = f ?? now.AddDays(-30);
        var end = t ?? now.AddDays(180);
        if (end <= start)
        {
            return ApiResults.Invalid("to", ErrorCodes.OutOfOrder, "'to' must be after 'from'.");
        }

        if (end - start > TimeSpan.FromDays(3 * 366))
        {
            return ApiResults.Invalid("to", ErrorCodes.OutOfRange, "The calendar spans at most three years.");
        }

        var (urls, uidDomain) = (services.GetRequiredService<IPublicUrls>(), services.GetRequiredService<IOptions<NoticeOptions>>().Value.UidDomain);
        var events = (await services.GetRequiredService<IChangeStore>().ListAllAsync(new ChangeQuery(From: start, To: end), ct))
            .Select(record => ForwardSchedule.ToEvent(record, uidDomain, urls.Change(record.Number)))
            .OfType<CalendarEvent>();

        var text = ICalendarWriter.Write(events.OrderBy(e => e.Start), CalendarMethod.Publish, now, "ChangeFlow forward schedule of changes");
        return Results.Text(text, ICalendarWriter.MediaType + "; charset=utf-8");
    }

    /// <summary>A change as a 200 answer with its version as ETag.</summary>
    internal static IResult Ok(ChangeRecord record) =>
        ApiResults.WithVersion(Results.Json(View(record), DossierJson.StorageOptions), record.Version);

    /// <summary>
    /// A change as the API shows it: its number, state, outcome and version first (what a client reads most), then the
    /// whole record — dossier, workflow, CAB slot, step progress.
    /// </summary>
    private static JsonObject View(ChangeRecord record)
    {
        var view = new JsonObject
        {
            ["number"] = record.Number,
            ["state"] = record.Change.State.ToString(),
            ["outcome"] = record.Change.Outcome?.ToString(),
            ["version"] = record.Version,
        };
        if (record.RollbackStartedAt is not null)
        {
            var total = record.Change.RollbackProcedure?.Steps.Count ?? 0;
            view["rollback"] = new JsonObject
            {
                ["startedAt"] = record.RollbackStartedAt,
                ["startedBy"] = record.RollbackStartedBy,
                ["reason"] = record.RollbackReason,
                ["stepsDone"] = record.RollbackSteps.Count(s => s.Status == StepStatus.Done),
                ["stepsTotal"] = total,
                ["inProgress"] = record.Change.Outcome is null,
            };
        }

        var document = JsonSerializer.SerializeToNode(ChangeRecordJson.ToDocument(record), DossierJson.StorageOptions)!.AsObject();
        foreach (var (name, value) in document.ToList())
        {
            if (!view.ContainsKey(name))
            {
                document.Remove(name);
                view[name] = value;
            }
        }

        return view;
    }
}
