using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ChangeFlow.Web.Api;

/// <summary>
/// The change catalogue people edit at run time: CAB boards, standard-change templates, configuration items,
/// services, blackout windows and the routing table; plus each CAB meeting's agenda. Reading needs a signed-in user,
/// writing the change management policy. Writes carry the version read (If-Match) and answer 409 when it is stale.
/// </summary>
public static class CatalogApi
{
    private static readonly Dictionary<string, string> KindsBySegment = new(StringComparer.Ordinal)
    {
        ["cab-boards"] = ReferenceKinds.CabBoard,
        ["standard-templates"] = ReferenceKinds.StandardTemplate,
        ["configuration-items"] = ReferenceKinds.ConfigurationItem,
        ["services"] = ReferenceKinds.Service,
        ["blackouts"] = ReferenceKinds.Blackout,
        ["distribution-lists"] = ReferenceKinds.DistributionList,
    };

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapCatalogApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/catalog").WithTags("Catalogue");
        group.MapGet("/{kind}", async (string kind, IReferenceStore store, CancellationToken ct) =>
            KindsBySegment.TryGetValue(kind, out var k)
                ? (IResult)TypedResults.Ok((await store.ListAsync(k, ct)).Select(View))
                : UnknownKind(kind))
            .WithSummary("Lists a kind: cab-boards, standard-templates, configuration-items, services, blackouts, distribution-lists.");
        group.MapGet("/{kind}/{id}", async (string kind, string id, IReferenceStore store, CancellationToken ct) =>
        {
            if (!KindsBySegment.TryGetValue(kind, out var k))
            {
                return UnknownKind(kind);
            }

            return await store.FindAsync(k, id, ct) is { } doc ? (IResult)ApiResults.WithVersion(TypedResults.Ok(View(doc)), doc.Version) : NotFound($"No {kind} entry '{id}'.");
        }).WithSummary("Gets one entry; the ETag is its version.");
        group.MapPut("/{kind}/{id}", async (string kind, string id, HttpRequest request, ChangeCatalog catalog, HttpCurrentUser user, CancellationToken ct) =>
                KindsBySegment.TryGetValue(kind, out var k) ? await PutAsync(k, id, request, catalog, user, ct) : (IResult)UnknownKind(kind))
            .RequireAuthorization(Policies.ChangeManagement)
            .WithSummary("Creates (If-None-Match: *, or no header) or replaces (If-Match: \"version\") an entry; 400 with paths when invalid, 409 when stale.");
        group.MapDelete("/{kind}/{id}", async (string kind, string id, IReferenceStore store, CancellationToken ct) =>
            !KindsBySegment.TryGetValue(kind, out var k) ? (IResult)UnknownKind(kind)
            : await store.DeleteAsync(k, id, ct) ? TypedResults.NoContent()
            : NotFound($"No {kind} entry '{id}'."))
            .RequireAuthorization(Policies.ChangeManagement)
            .WithSummary("Deletes an entry.");

        app.MapGet("/api/routing", async (IReferenceStore store, CancellationToken ct) =>
            await store.FindAsync(ReferenceKinds.Routing, ChangeCatalog.RoutingId, ct) is { } doc
                ? (IResult)ApiResults.WithVersion(TypedResults.Ok(View(doc)), doc.Version)
                : NotFound("No routing table is stored; the defaults apply."))
            .WithTags("Catalogue").WithSummary("The routing table: which workflow a submitted change starts.");
        app.MapPut("/api/routing", (HttpRequest request, ChangeCatalog catalog, IWorkflowDefinitionStore definitions, HttpCurrentUser user, CancellationToken ct) =>
                PutAsync(ReferenceKinds.Routing, ChangeCatalog.RoutingId, request, catalog, user, ct, (json, token) => CheckRoutingTargetsAsync(json, catalog, definitions, token)))
            .RequireAuthorization(Policies.ChangeManagement)
            .WithTags("Catalogue").WithSummary("Replaces the routing table (If-Match: \"version\").");

        app.MapGet("/api/cab-boards/{boardId}/agenda", AgendaAsync).WithTags("Catalogue")
            .WithSummary("The agenda of a CAB board's meetings: ?meetingAt= one meeting, otherwise every upcoming one, with each change's risk, window, conflicts and CAB vote (tally against the quorum, who has not voted).");
        return app;
    }

    private static async Task<IResult> PutAsync(
        string kind,
        string id,
        HttpRequest request,
        ChangeCatalog catalog,
        HttpCurrentUser user,
        CancellationToken ct,
        Func<string, CancellationToken, Task<IReadOnlyList<DomainError>>>? check = null)
    {
        long? expected = null;
        var ifMatch = request.Headers.IfMatch.ToString();
        if (!string.IsNullOrEmpty(ifMatch))
        {
            if (!long.TryParse(ifMatch.Trim().TrimStart('W', '/').Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                return ApiResults.Invalid("If-Match", ErrorCodes.Invalid, "If-Match must be the quoted version of the entry, e.g. \"3\".");
            }

            expected = version;
        }

        // The catalogue's own parser checks the members, with their paths; here the body only has to be a JSON object.
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, CommandBody.AnyMember);
        if (body is null)
        {
            return problem!;
        }

        var json = System.Text.Encoding.UTF8.GetString(body.Raw);
        if (check is not null && await check(json, ct) is { Count: > 0 } problems)
        {
            return ApiResults.Invalid(problems);
        }

        var result = await catalog.PutAsync(kind, id, json, expected, user.UserId, ct);
        return ApiResults.From(result, doc => (IResult)ApiResults.WithVersion(TypedResults.Ok(View(doc)), doc.Version));
    }

    private static async Task<IResult> AgendaAsync(string boardId, [FromQuery(Name = "meetingAt")] string? meetingAtText, ChangeCatalog catalog, IChangeStore changes, IHumanTaskStore tasks, IUserDirectory users, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<DomainError>();
        var meetingAt = QueryValues.Instant("meetingAt", meetingAtText, errors);
        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        var board = await catalog.FindBoardAsync(boardId, ct);
        if (board is null)
        {
            return NotFound($"No CAB board '{boardId}'.");
        }

        var items = await changes.ListAllAsync(new ChangeQuery(CabBoardId: boardId, CabMeetingAt: meetingAt), ct);

        var now = time.GetUtcNow();
        var meetings = items
            .Where(r => r.CabMeetingAt is { } at && (meetingAt is not null || at >= now.AddHours(-12)))
            .GroupBy(r => r.CabMeetingAt!.Value)
            .OrderBy(g => g.Key);
        var agenda = new List<object>();
        foreach (var meeting in meetings)
        {
            var entries = new List<object>();
            foreach (var record in meeting.OrderByDescending(r => r.Change.RiskRegister.OverallLevel(catalog.RiskScale)).ThenBy(r => r.Number, StringComparer.Ordinal))
            {
                var tally = CabVoteTally.Of((await tasks.ListAsync(new HumanTaskQuery(SubjectId: record.Number, Take: 500), ct)).Items, board.Quorum);
                var name = await PeopleNames.ForAsync(users, tally?.NotVoted.Select(t => t.AssigneeUserId) ?? [], ct);
                entries.Add(new
                {
                    number = record.Number,
                    title = record.Change.Title,
                    type = record.Change.Type.ToString(),
                    category = record.Change.Category.ToString(),
                    state = record.Change.State.ToString(),
                    overallRisk = record.Change.RiskRegister.OverallLevel(catalog.RiskScale)?.ToString(),
                    requestor = record.Change.Requestor?.DisplayName,
                    windowStart = record.Change.Window?.Start,
                    windowEnd = record.Change.Window?.End,
                    timeZone = record.Change.Window?.TimeZoneId,
                    configurationItems = record.Change.Impact?.ConfigurationItemIds ?? [],
                    cabVote = tally is null ? null : new
                    {
                        quorum = tally.Quorum,
                        eligible = tally.Eligible,
                        approvalsNeeded = tally.ApprovalsNeeded,
                        approved = tally.Approved,
                        rejected = tally.Rejected,
                        decision = tally.Decision.ToString(),
                        notVoted = tally.NotVoted.Select(t => new { userId = t.AssigneeUserId, name = name(t.AssigneeUserId), taskId = t.Id, dueAt = t.DueAt }),
                    },
                });
            }

            agenda.Add(new { meetingAt = meeting.Key, changes = entries });
        }

        return TypedResults.Ok(new { board = board.Id, name = board.Name, meetings = agenda });
    }

    /// <summary>
    /// A routing table may only send changes to workflows that exist and CAB boards that exist, so a typo is a 400 now
    /// rather than a refused submission later.
    /// </summary>
    private static async Task<IReadOnlyList<DomainError>> CheckRoutingTargetsAsync(string json, ChangeCatalog catalog, IWorkflowDefinitionStore definitions, CancellationToken ct)
    {
        var parsed = CatalogParser.ParseRouting(json);
        if (!parsed.IsSuccess)
        {
            return []; // The catalogue reports shape errors with their paths itself.
        }

        var errors = new List<DomainError>();
        async Task CheckAsync(string path, string workflow, string? board)
        {
            if (await definitions.FindPublishedAsync(workflow, ct) is null)
            {
                errors.Add(new DomainError(path + ".workflow", ErrorCodes.Unknown, $"No published workflow definition '{workflow}'."));
            }

            if (board is not null && await catalog.FindBoardAsync(board, ct) is null)
            {
                errors.Add(new DomainError(path + ".cabBoard", ErrorCodes.Unknown, $"No CAB board '{board}' is in the catalogue."));
            }
        }

        for (var i = 0; i < parsed.Value.Rules.Count; i++)
        {
            await CheckAsync($"rules[{i}]", parsed.Value.Rules[i].Workflow, parsed.Value.Rules[i].CabBoard);
        }

        foreach (var (type, target) in parsed.Value.Defaults)
        {
            await CheckAsync($"defaults.{type}", target.Workflow, target.CabBoard);
        }

        return errors;
    }

    private static object View(ReferenceDocument doc) => new
    {
        kind = doc.Kind,
        id = doc.Id,
        version = doc.Version,
        updatedAt = doc.UpdatedAt,
        updatedBy = doc.UpdatedBy,
        document = JsonNode.Parse(doc.Json),
    };

    private static ProblemHttpResult UnknownKind(string kind) =>
        TypedResults.Problem($"There is no catalogue '{kind}'; use one of {string.Join(", ", KindsBySegment.Keys)}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ProblemHttpResult NotFound(string message) => TypedResults.Problem(message, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
