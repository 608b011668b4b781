using System.Text.Json.Nodes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Incident management's configuration: the priority matrix, the settings (warning fractions, clock-pausing states,
/// auto-close, head of IT, crisis list, categories, Alertmanager mapping), business calendars, service levels (the
/// service catalogue with its SLA targets) and escalation policies. Anyone signed in reads it; administrators write
/// it with <c>If-Match</c> (409 when stale) and get 400 with field paths for anything wrong, including references to
/// calendars or policies that do not exist.
/// </summary>
public static class IncidentConfigApi
{
    private static readonly Dictionary<string, string> KindsBySegment = new(StringComparer.Ordinal)
    {
        ["calendars"] = ReferenceKinds.BusinessCalendar,
        ["services"] = ReferenceKinds.ServiceLevel,
        ["escalation-policies"] = ReferenceKinds.EscalationPolicy,
    };

    private static readonly Dictionary<string, string> Singletons = new(StringComparer.Ordinal)
    {
        ["priority-matrix"] = ReferenceKinds.PriorityMatrix,
        ["settings"] = ReferenceKinds.IncidentSettings,
    };

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapIncidentConfigApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/incident-config").WithTags("Incident configuration");
        group.MapGet("/", async (IReferenceStore store, CancellationToken ct) =>
        {
            var all = new JsonObject();
            foreach (var (segment, kind) in Singletons)
            {
                all[segment] = await store.FindAsync(kind, IncidentConfigParser.SingletonId, ct) is { } doc ? View(doc) : null;
            }

            foreach (var (segment, kind) in KindsBySegment)
            {
                all[segment] = new JsonArray([.. (await store.ListAsync(kind, ct)).Select(d => (JsonNode?)View(d))]);
            }

            return Results.Json(all);
        }).WithSummary("The whole configuration: priority matrix, settings, calendars, services, escalation policies.");

        foreach (var (segment, kind) in Singletons)
        {
            group.MapGet($"/{segment}", async (IReferenceStore store, CancellationToken ct) =>
                    await store.FindAsync(kind, IncidentConfigParser.SingletonId, ct) is { } doc ? (IResult)ApiResults.WithVersion(Results.Json(View(doc)), doc.Version) : NotFound($"No {segment} is stored; the defaults apply."))
                .WithSummary($"The {segment}; the ETag is its version.");
            group.MapPut($"/{segment}", (HttpRequest request, IncidentCatalog catalog, HttpCurrentUser user, CancellationToken ct) => PutAsync(kind, IncidentConfigParser.SingletonId, request, catalog, user, ct))
                .RequireAuthorization(Policies.Admin)
                .WithSummary($"Replaces the {segment} (If-Match: \"version\"); 400 with paths when invalid, 409 when stale.");
        }

        group.MapGet("/{kind}", async (string kind, IReferenceStore store, CancellationToken ct) =>
                KindsBySegment.TryGetValue(kind, out var k) ? Results.Json((await store.ListAsync(k, ct)).Select(View)) : (IResult)UnknownKind(kind))
            .WithSummary("Lists calendars, services or escalation-policies.");
        group.MapGet("/{kind}/{id}", async (string kind, string id, IReferenceStore store, CancellationToken ct) =>
                !KindsBySegment.TryGetValue(kind, out var k) ? (IResult)UnknownKind(kind)
                : await store.FindAsync(k, id, ct) is { } doc ? ApiResults.WithVersion(Results.Json(View(doc)), doc.Version)
                : NotFound($"No {kind} entry '{id}'."))
            .WithSummary("One calendar, service or escalation policy; the ETag is its version.");
        group.MapPut("/{kind}/{id}", async (string kind, string id, HttpRequest request, IncidentCatalog catalog, HttpCurrentUser user, CancellationToken ct) =>
                KindsBySegment.TryGetValue(kind, out var k) ? await PutAsync(k, id, request, catalog, user, ct) : (IResult)UnknownKind(kind))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Creates (no If-Match) or replaces (If-Match: \"version\") an entry; 400 with paths when invalid, 409 when stale or when it exists.");
        group.MapDelete("/{kind}/{id}", async (string kind, string id, IncidentCatalog catalog, CancellationToken ct) =>
                KindsBySegment.TryGetValue(kind, out var k) ? ApiResults.From(await catalog.DeleteAsync(k, id, ct), _ => TypedResults.NoContent()) : (IResult)UnknownKind(kind))
            .RequireAuthorization(Policies.Admin)
            .WithSummary("Deletes an entry; 409 while a service or the settings refer to it.");
        return app;
    }

    private static async Task<IResult> PutAsync(string kind, string id, HttpRequest request, IncidentCatalog catalog, HttpCurrentUser user, CancellationToken ct)
    {
        var (expected, badHeader) = IncidentApiSupport.IfMatch(request);
        if (badHeader is not null)
        {
            return badHeader;
        }

        // The configuration parser checks the members with their paths; here the body only has to be a JSON object.
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, CommandBody.AnyMember);
        if (body is null)
        {
            return problem!;
        }

        var result = await catalog.PutAsync(kind, id, System.Text.Encoding.UTF8.GetString(body.Raw), expected, user.UserId, ct);
        return ApiResults.From(result, doc => ApiResults.WithVersion(Results.Json(View(doc)), doc.Version));
    }

    private static JsonObject View(ReferenceDocument doc) => new()
    {
        ["kind"] = doc.Kind,
        ["id"] = doc.Id,
        ["version"] = doc.Version,
        ["updatedAt"] = doc.UpdatedAt,
        ["updatedBy"] = doc.UpdatedBy,
        ["document"] = JsonNode.Parse(doc.Json),
    };

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult UnknownKind(string kind) =>
        TypedResults.Problem($"There is no incident configuration '{kind}'; use one of {string.Join(", ", KindsBySegment.Keys.Concat(Singletons.Keys))}.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(string message) => TypedResults.Problem(message, statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
