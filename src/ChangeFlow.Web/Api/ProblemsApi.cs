using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Problems;
using ChangeFlow.Web.Security;
using static ChangeFlow.Web.Api.IncidentApiSupport;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Problems and known errors: log a problem, investigate it, record its root cause, publish it as a known error with
/// its workaround, resolve it (with the change that fixed it) and close it; each problem lists its incidents.
/// </summary>
public static class ProblemsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapProblemsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/problems").WithTags("Problems");
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.ServiceDesk).WithIdempotency()
            .Accepts<CreateProblemBody>("application/json").Produces(StatusCodes.Status201Created).ProducesValidationProblem()
            .WithSummary("Logs a problem: { title, description?, serviceId? }.");
        group.MapGet("/", async (string? state, string? service, string? skip, string? take, IProblemStore store, CancellationToken ct) =>
        {
            var errors = new List<DomainError>();
            var parsed = QueryValues.Enum<ProblemState>("state", state, errors);
            var (skipCount, takeCount) = Paging(skip, take, errors);
            if (errors.Count > 0)
            {
                return ApiResults.Invalid(errors);
            }

            var page = await store.ListAsync(new ProblemQuery(parsed, service, skipCount, takeCount), ct);
            return Results.Json(new { items = page.Items.Select(p => View(p)), total = page.Total, skip = page.Skip, take = page.Take }, Json);
        }).WithSummary("Lists problems, newest first: ?state=Logged|UnderInvestigation|KnownError|Resolved|Closed&service=&skip=&take=.");
        group.MapGet("/{number}", async (string number, ProblemService problems, HttpCurrentUser user, CancellationToken ct) =>
        {
            var found = await problems.GetAsync(number, ct);
            return found.IsOk
                ? ApiResults.WithVersion(Results.Json(View(found.Value!, await problems.IncidentsOfAsync(number, user.UserId, user.Roles, ct)), Json), found.Value!.Version)
                : ApiResults.From(found, _ => Results.Empty);
        }).WithSummary("One problem with the incidents the caller may read; the ETag is its version.");
        group.MapGet("/{number}/timeline", async (string number, ProblemService problems, ITimelineStore timeline, IUserDirectory users, CancellationToken ct) =>
            await problems.GetAsync(number, ct) is { IsOk: true } ? await PeopleNames.TimelineAsync(await timeline.ListAsync(number, ct), users, ct) : ApiResults.From(await problems.GetAsync(number, ct), _ => Results.Empty))
            .WithSummary("The problem's audit trail.");

        Command(group, "investigate", ["note"], "Starts the analysis: { note? }.", body =>
        {
            var note = body.Text("note");
            return (n, a, s, ct) => s.InvestigateAsync(n, note, a, ct);
        }, emptyAllowed: true);
        Command(group, "root-cause", ["rootCause"], "Records the root cause: { rootCause }.", body =>
        {
            var cause = body.Text("rootCause", required: true);
            return (n, a, s, ct) => s.RecordRootCauseAsync(n, cause, a, ct);
        });
        Command(group, "known-error", ["workaround", "rootCause"], "Publishes it as a known error: { workaround, rootCause? }.", body =>
        {
            var (workaround, cause) = (body.Text("workaround", required: true), body.Text("rootCause"));
            return (n, a, s, ct) => s.MarkKnownErrorAsync(n, workaround, cause, a, ct);
        });
        Command(group, "resolve", ["resolution", "fixChange"], "Records the permanent fix: { resolution, fixChange? (RFC number) }.", body =>
        {
            var (resolution, change) = (body.Text("resolution", required: true), body.Text("fixChange", maxLength: 20));
            return (n, a, s, ct) => s.ResolveAsync(n, resolution, change, a, ct);
        });
        Command(group, "close", ["note"], "Closes a resolved problem.", body =>
        {
            var note = body.Text("note");
            return (n, a, s, ct) => s.CloseAsync(n, note, a, ct);
        }, emptyAllowed: true);
        return app;
    }

    private delegate Func<string, IncidentActor, ProblemService, CancellationToken, Task<CommandResult<ProblemRecord>>> Parse(CommandBody body);

    private static void Command(RouteGroupBuilder group, string verb, string[] members, string summary, Parse parse, bool emptyAllowed = false) =>
        group.MapPost($"/{{number}}/{verb}", async (string number, HttpRequest request, ProblemService service, HttpCurrentUser user, CancellationToken ct) =>
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
                return body.Errors.Count > 0 ? ApiResults.Invalid(body.Errors) : ApiResults.From(await run(number, Actor(user, version), service, ct), Ok);
            })
            .RequireAuthorization(Policies.ServiceDesk)
            .WithIdempotency()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary(summary);

    private static async Task<IResult> CreateAsync(HttpRequest request, ProblemService problems, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "title", "description", "serviceId");
        if (body is null)
        {
            return problem!;
        }

        var (title, description, serviceId) = (body.Text("title", required: true, maxLength: IncidentService.MaxTitleLength), body.Text("description"), body.Text("serviceId", maxLength: 200));
        if (body.Errors.Count > 0)
        {
            return ApiResults.Invalid(body.Errors);
        }

        return ApiResults.From(await problems.CreateAsync(title, description, serviceId, Actor(user, null), ct), record => new ApiResults.WithHeaders(
            ApiResults.WithVersion(Results.Json(View(record), Json, statusCode: StatusCodes.Status201Created), record.Version),
            ("Location", $"/api/problems/{record.Number}")));
    }

    private static IResult Ok(ProblemRecord record) => ApiResults.WithVersion(Results.Json(View(record), Json), record.Version);
}
