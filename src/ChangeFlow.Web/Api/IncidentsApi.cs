using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Web.Security;
using static ChangeFlow.Web.Api.IncidentApiSupport;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Incidents through their seven-step lifecycle: report (anyone signed in), log, categorize, prioritize, assign,
/// acknowledge, diagnose, hold and resume, resolve, confirm or reopen (the reporter), close with lessons learned,
/// escalate, declare a crisis, link the problem and the causing change; the timeline and the SLA clocks. Commands
/// take <c>If-Match</c> with the version read (409 when stale) and an <c>Idempotency-Key</c>; a move the lifecycle
/// refuses is a 409 naming the moves it allows.
/// </summary>
public static class IncidentsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapIncidentsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incidents").WithTags("Incidents");
        group.MapPost("/", OpenAsync).WithIdempotency()
            .Accepts<OpenIncidentBody>("application/json").Produces(StatusCodes.Status201Created).ProducesValidationProblem()
            .WithSummary("Reports an incident. Anyone signed in gives title, description, serviceId, configurationItemId; service desk agents may also give reporter, source, category, impact, urgency, assignmentGroup, assignee (logging, categorizing and prioritizing it at once).");
        group.MapGet("/", ListAsync)
            .WithSummary("Lists the incidents the caller may read (every one for the service desk; otherwise those they reported or are assigned), newest first: ?state=&priority=&service=&group=&assignee=&reporter=&problem=&change=&open=true|false&from=&to= (opened in [from, to)) &skip=&take=.");
        // Reads go through ReadVisibility: outside the service desk, an incident one did not report and is not
        // assigned is not found.
        group.MapGet("/{number}", async (string number, IncidentService incidents, HttpCurrentUser user, CancellationToken ct) =>
                ApiResults.From(await incidents.GetAsync(number, user.UserId, user.Roles, ct), IncidentApiSupport.Ok))
            .WithSummary("One incident (the service desk, its reporter and its assignee); the ETag is its version.");
        group.MapGet("/{number}/timeline", async (string number, IncidentService incidents, ITimelineStore timeline, IUserDirectory users, HttpCurrentUser user, CancellationToken ct) =>
                await incidents.GetAsync(number, user.UserId, user.Roles, ct) is var found && found.IsOk
                    ? await PeopleNames.TimelineAsync(await timeline.ListAsync(found.Value!.Number, ct), users, ct)
                    : ApiResults.From(found, _ => Results.Empty))
            .WithSummary("The audit trail: every lifecycle step, SLA warning, breach and escalation, who and when.");
        group.MapGet("/{number}/sla", async (string number, IncidentService incidents, HttpCurrentUser user, CancellationToken ct) =>
                ApiResults.From(await incidents.SlaAsync(number, user.UserId, user.Roles, ct), clocks => Results.Json(new { number, clocks }, Json)))
            .WithSummary("The SLA clocks now: target, budget, time used and left, due instants of the warnings and the breach, marks reached.");

        Command(group, "log", ["description", "serviceId", "reporter", "configurationItemId"], Policies.ServiceDesk, "Logs an identified incident: { description, serviceId, reporter?, configurationItemId? }.",
            body =>
            {
                var (description, serviceId, reporter, ci) = (body.Text("description", required: true), body.Text("serviceId", required: true, maxLength: 200), body.Text("reporter", maxLength: 200), body.Text("configurationItemId", maxLength: 200));
                return (n, a, s, ct) => s.LogAsync(n, description, serviceId, reporter, ci, a, ct);
            });
        Command(group, "categorize", ["category", "serviceId", "configurationItemId"], Policies.ServiceDesk, "Categorizes (or corrects): { category, serviceId?, configurationItemId? }.",
            body =>
            {
                var (category, serviceId, ci) = (body.Text("category", required: true, maxLength: 200), body.Text("serviceId", maxLength: 200), body.Text("configurationItemId", maxLength: 200));
                return (n, a, s, ct) => s.CategorizeAsync(n, category, serviceId, ci, a, ct);
            });
        Command(group, "prioritize", ["impact", "urgency", "reason"], Policies.ServiceDesk, "Prioritizes with the matrix: { impact: High|Medium|Low|Trivial, urgency: High|Medium|Low, reason? }; the clocks keep their time.",
            body =>
            {
                var impact = body.Enum<Impact>("impact", required: true);
                var urgency = body.Enum<Urgency>("urgency", required: true);
                var reason = body.Text("reason");
                return (n, a, s, ct) => s.PrioritizeAsync(n, impact!.Value, urgency!.Value, reason, a, ct);
            });
        group.MapPost("/{number}/assign", AssignAsync).RequireAuthorization(Policies.ServiceDesk).WithIdempotency()
            .Accepts<AssignIncidentBody>("application/json").WithSummary("Assigns: { group?, assignee? } (a user id or e-mail). The SLA clocks are not reset.");
        Command(group, "acknowledge", ["note"], Policies.ServiceDesk, "Starts the diagnosis (Prioritized → Diagnosis): the response target is met or missed now.",
            body =>
            {
                var note = body.Text("note");
                return (n, a, s, ct) => s.AcknowledgeAsync(n, note, a, ct);
            },
            emptyAllowed: true);
        Command(group, "diagnosis", ["probableCause"], Policies.ServiceDesk, "Records the probable cause: { probableCause }.",
            body =>
            {
                var cause = body.Text("probableCause", required: true);
                return (n, a, s, ct) => s.RecordDiagnosisAsync(n, cause, a, ct);
            });
        Command(group, "hold", ["state", "reason"], Policies.ServiceDesk, "Puts it on hold: { state: AwaitingUser|PendingVendor, reason }; configured hold states pause the clocks.",
            body =>
            {
                var state = body.Enum<IncidentState>("state", required: true);
                var reason = body.Text("reason", required: true);
                return (n, a, s, ct) => s.HoldAsync(n, state!.Value, reason, a, ct);
            });
        Command(group, "resume", ["note"], Policies.ServiceDesk, "Ends the hold; paused clocks run again and their due times move by the pause.",
            body =>
            {
                var note = body.Text("note");
                return (n, a, s, ct) => s.ResumeAsync(n, note, a, ct);
            },
            emptyAllowed: true);
        Command(group, "resolve", ["resolutionCode", "resolution"], Policies.ServiceDesk, "Resolves it: { resolutionCode, resolution }.",
            body =>
            {
                var (code, resolution) = (body.Text("resolutionCode", required: true, maxLength: 100), body.Text("resolution", required: true));
                return (n, a, s, ct) => s.ResolveAsync(n, code, resolution, a, ct);
            });
        Command(group, "confirm", ["comment"], Policies.Authenticated, "The reporter confirms the resolution: closed.",
            body =>
            {
                var comment = body.Text("comment");
                return (n, a, s, ct) => s.ConfirmAsync(n, comment, a, ct);
            },
            emptyAllowed: true);
        Command(group, "reopen", ["reason"], Policies.Authenticated, "The reporter says it is not fixed: { reason }; back to diagnosis, the resolution clock runs on.",
            body =>
            {
                var reason = body.Text("reason", required: true);
                return (n, a, s, ct) => s.ReopenAsync(n, reason, a, ct);
            });
        Command(group, "close", ["lessonsLearned", "knowledgeArticle", "comment"], Policies.ServiceDesk, "Closes a resolved incident: { lessonsLearned (required for P1/P2), knowledgeArticle?, comment? }.",
            body =>
            {
                var (lessons, article, comment) = (body.Text("lessonsLearned"), body.Text("knowledgeArticle", maxLength: 2000), body.Text("comment"));
                return (n, a, s, ct) => s.CloseAsync(n, lessons, article, comment, a, ct);
            });
        Command(group, "lessons", ["lessonsLearned", "knowledgeArticle"], Policies.ServiceDesk, "Documents lessons learned and the knowledge-base article of a resolved or closed incident.",
            body =>
            {
                var (lessons, article) = (body.Text("lessonsLearned"), body.Text("knowledgeArticle", maxLength: 2000));
                return (n, a, s, ct) => s.RecordLessonsAsync(n, lessons, article, a, ct);
            });
        Command(group, "escalate", ["kind", "reason"], Policies.ServiceDesk, "Escalates by hand: { kind: Functional (next support tier) | Hierarchical (team manager, then head of IT), reason }.",
            body =>
            {
                var kind = body.Enum<EscalationKind>("kind", required: true);
                var reason = body.Text("reason", required: true);
                return (n, a, s, ct) => s.EscalateAsync(n, kind!.Value, reason, a, ct);
            });
        Command(group, "crisis", ["reason"], Policies.ServiceDesk, "Declares a P1 with high, business-wide impact a crisis: { reason }; the executive notification list is told.",
            body =>
            {
                var reason = body.Text("reason", required: true);
                return (n, a, s, ct) => s.DeclareCrisisAsync(n, reason, a, ct);
            });
        Link(group, "problem", "Links the problem behind the incident: { problem: \"PRB-2026-0001\" }.", (s, n, v, a, ct) => s.LinkProblemAsync(n, v, a, ct));
        Link(group, "caused-by", "Links the change that caused the incident: { change: \"RFC-2026-014\" }; feeds the change failure rate.", (s, n, v, a, ct) => s.LinkCausingChangeAsync(n, v, a, ct));
        return app;
    }

    /// <summary>Reads a command's members (adding errors to the body) and returns what to run once they are all valid.</summary>
    private delegate Func<string, IncidentActor, IncidentService, CancellationToken, Task<CommandResult<IncidentRecord>>> Parse(CommandBody body);

    private static void Command(RouteGroupBuilder group, string verb, string[] members, string policy, string summary, Parse parse, bool emptyAllowed = false)
    {
        group.MapPost($"/{{number}}/{verb}", async (string number, HttpRequest request, IncidentService service, HttpCurrentUser user, CancellationToken ct) =>
            {
                var (version, badHeader) = IfMatch(request);
                if (badHeader is not null)
                {
                    return badHeader;
                }

                var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed, members);
                if (body is null)
                {
                    return problem!;
                }

                var run = parse(body);
                return body.Errors.Count > 0
                    ? ApiResults.Invalid(body.Errors)
                    : ApiResults.From(await run(number, Actor(user, version), service, ct), IncidentApiSupport.Ok);
            })
            .RequireAuthorization(policy)
            .WithIdempotency()
            .Produces(StatusCodes.Status200OK).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary(summary);
    }

    private static void Link(RouteGroupBuilder group, string segment, string summary, Func<IncidentService, string, string?, IncidentActor, CancellationToken, Task<CommandResult<IncidentRecord>>> run)
    {
        var member = segment == "problem" ? "problem" : "change";
        group.MapPut($"/{{number}}/{segment}", async (string number, HttpRequest request, IncidentService service, HttpCurrentUser user, CancellationToken ct) =>
            {
                var (version, badHeader) = IfMatch(request);
                if (badHeader is not null)
                {
                    return badHeader;
                }

                var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, member);
                if (body is null)
                {
                    return problem!;
                }

                var value = body.Text(member, required: true, maxLength: 20);
                return body.Errors.Count > 0 ? ApiResults.Invalid(body.Errors) : ApiResults.From(await run(service, number, value, Actor(user, version), ct), IncidentApiSupport.Ok);
            })
            .RequireAuthorization(Policies.ServiceDesk)
            .WithIdempotency()
            .WithSummary(summary);
        group.MapDelete($"/{{number}}/{segment}", async (string number, HttpRequest request, IncidentService service, HttpCurrentUser user, CancellationToken ct) =>
            {
                var (version, badHeader) = IfMatch(request);
                return badHeader ?? ApiResults.From(await run(service, number, null, Actor(user, version), ct), IncidentApiSupport.Ok);
            })
            .RequireAuthorization(Policies.ServiceDesk)
            .WithSummary($"Removes the {member} link.");
    }

    private static async Task<IResult> OpenAsync(HttpRequest request, IncidentService incidents, IUserDirectory users, HttpCurrentUser user, CancellationToken ct)
    {
        string[] everyone = ["title", "description", "serviceId", "configurationItemId"];
        string[] agentsOnly = ["reporter", "source", "category", "impact", "urgency", "assignmentGroup", "assignee"];
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, [.. everyone, .. agentsOnly]);
        if (body is null)
        {
            return problem!;
        }

        var agent = IncidentService.AgentRoles.Any(user.Roles.Contains);
        if (!agent)
        {
            foreach (var member in agentsOnly.Where(m => body.Node(m) is not null))
            {
                body.Errors.Add(new DomainError(member, ErrorCodes.NotAllowed, $"Only service desk agents set '{member}' when reporting an incident."));
            }
        }

        var report = new IncidentReport(
            body.Text("title", required: true, maxLength: IncidentService.MaxTitleLength),
            body.Text("description"),
            body.Text("serviceId", maxLength: 200),
            body.Text("configurationItemId", maxLength: 200),
            await UserIdAsync(body, "reporter", users, ct),
            body.Enum<IncidentSource>("source"),
            body.Text("category", maxLength: 200),
            body.Enum<Impact>("impact"),
            body.Enum<Urgency>("urgency"),
            body.Text("assignmentGroup", maxLength: 200),
            await UserIdAsync(body, "assignee", users, ct));
        if (body.Errors.Count > 0)
        {
            return ApiResults.Invalid(body.Errors);
        }

        var opened = await incidents.OpenAsync(report, user.UserId!, ct);
        return ApiResults.From(opened, record => new ApiResults.WithHeaders(
            ApiResults.WithVersion(Results.Json(View(record), Json, statusCode: StatusCodes.Status201Created), record.Version),
            ("Location", $"/api/incidents/{record.Number}")));
    }

    private static async Task<IResult> AssignAsync(string number, HttpRequest request, IncidentService incidents, IUserDirectory users, HttpCurrentUser user, CancellationToken ct)
    {
        var (version, badHeader) = IfMatch(request);
        if (badHeader is not null)
        {
            return badHeader;
        }

        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "group", "assignee");
        if (body is null)
        {
            return problem!;
        }

        var group = body.Text("group", maxLength: 200);
        var assignee = await UserIdAsync(body, "assignee", users, ct);
        return body.Errors.Count > 0 ? ApiResults.Invalid(body.Errors) : ApiResults.From(await incidents.AssignAsync(number, group, assignee, Actor(user, version), ct), IncidentApiSupport.Ok);
    }

    /// <summary>A user named by id or e-mail, as their id; an unknown or deactivated user is a 400 at <paramref name="member"/>.</summary>
    private static async Task<string?> UserIdAsync(CommandBody body, string member, IUserDirectory users, CancellationToken ct)
    {
        var text = body.Text(member, maxLength: 200);
        if (text is null)
        {
            return null;
        }

        if (await users.FindAsync(text, ct) is { IsActive: true } found)
        {
            return found.Id;
        }

        body.Errors.Add(new DomainError(member, ErrorCodes.Unknown, $"No active user '{text}'."));
        return null;
    }

    private static async Task<IResult> ListAsync(
        string? state, string? priority, string? service, string? group, string? assignee, string? reporter, string? problem, string? change, string? open, string? from, string? to, string? skip, string? take,
        IIncidentStore store, HttpCurrentUser user, CancellationToken ct)
    {
        var errors = new List<DomainError>();
        var query = new IncidentQuery(
            QueryValues.Enum<IncidentState>("state", state, errors),
            QueryValues.Enum<Priority>("priority", priority, errors),
            service,
            group,
            assignee,
            reporter,
            problem,
            change,
            open switch { null or "" => null, "true" => true, "false" => false, _ => Bad(errors) },
            QueryValues.Instant("from", from, errors),
            QueryValues.Instant("to", to, errors));
        var (skipCount, takeCount) = Paging(skip, take, errors);
        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        var page = await store.ListAsync(ReadVisibility.Scope(query with { Skip = skipCount, Take = takeCount }, user.UserId, user.Roles), ct);
        return Results.Json(new { items = page.Items.Select(View), total = page.Total, skip = page.Skip, take = page.Take }, Json);

        static bool? Bad(List<DomainError> errors)
        {
            errors.Add(new DomainError("open", ErrorCodes.Invalid, "'open' is true or false."));
            return null;
        }
    }
}
