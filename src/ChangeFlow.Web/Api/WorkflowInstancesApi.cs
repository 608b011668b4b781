using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChangeFlow.Web.Api;

/// <summary>
/// Workflow instances: list, get, journal, resume, cancel; and stimuli. All of it is for the roles that manage
/// workflows, change managers and admins (<see cref="Policies.ChangeManagement"/>; see <see cref="Application.Security.ReadVisibility"/>).
/// </summary>
public static class WorkflowInstancesApi
{
    private const int DefaultJournalPage = 200;
    private const int MaxJournalPage = 1000;

    public static IEndpointRouteBuilder MapWorkflowInstancesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/workflow-instances").WithTags("Workflow instances");
        group.MapGet("/", async Task<Results<Ok<Page<InstanceSummary>>, ValidationProblem>> (string? definitionId, string? status, string? correlationId, int? skip, int? take, WorkflowRuntime runtime, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            WorkflowStatus? parsed = null;
            if (status is not null)
            {
                if (Enum.TryParse<WorkflowStatus>(status, ignoreCase: true, out var s) && Enum.IsDefined(s))
                {
                    parsed = s;
                }
                else
                {
                    errors["status"] = [$"'{status}' is not one of {string.Join(", ", Enum.GetNames<WorkflowStatus>())}."];
                }
            }

            if (skip is < 0)
            {
                errors["skip"] = ["Must be 0 or more."];
            }

            if (take is < 1 or > 500)
            {
                errors["take"] = ["Must be between 1 and 500."];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            return TypedResults.Ok(await runtime.ListAsync(new InstanceQuery(definitionId, parsed, correlationId, skip ?? 0, take ?? 50), ct));
        }).RequireAuthorization(Policies.ChangeManagement).WithSummary("Lists instances, newest first (change managers and admins).");

        group.MapGet("/{instanceId}", async Task<Results<Ok<object>, NotFound<ProblemDetailsBody>>> (string instanceId, IWorkflowInstanceStore store, CancellationToken ct) =>
        {
            var snapshot = await store.LoadAsync(instanceId, ct);
            if (snapshot is null)
            {
                return WorkflowDefinitionsApi.NotFoundProblem($"No workflow instance '{instanceId}'.");
            }

            var s = snapshot.State;
            return TypedResults.Ok<object>(new
            {
                s.Id,
                s.DefinitionId,
                s.DefinitionVersionId,
                s.DefinitionVersion,
                s.CorrelationId,
                Status = s.Status.ToString(),
                s.Variables,
                s.Input,
                s.Output,
                Bookmarks = s.Bookmarks.Select(b => new { b.Id, b.Name, b.ActivityId, b.Payload, b.DueAt, b.CreatedAt }),
                s.Incidents,
                s.CreatedAt,
                s.UpdatedAt,
                s.FinishedAt,
                snapshot.Version,
            });
        }).RequireAuthorization(Policies.ChangeManagement).WithSummary("Gets an instance with its variables, bookmarks and incidents (change managers and admins).");

        group.MapGet("/{instanceId}/journal", async Task<Results<Ok<IEnumerable<object>>, NotFound<ProblemDetailsBody>, ValidationProblem>> (string instanceId, long? after, int? take, HttpContext http, IWorkflowInstanceStore store, CancellationToken ct) =>
        {
            var errors = new Dictionary<string, string[]>();
            if (after is < 0)
            {
                errors["after"] = ["Must be 0 or more (the sequence of the last entry already read)."];
            }

            if (take is < 1 or > MaxJournalPage)
            {
                errors["take"] = [$"Must be between 1 and {MaxJournalPage}."];
            }

            if (errors.Count > 0)
            {
                return TypedResults.ValidationProblem(errors);
            }

            if (await store.GetSummaryAsync(instanceId, ct) is null)
            {
                return WorkflowDefinitionsApi.NotFoundProblem($"No workflow instance '{instanceId}'.");
            }

            // One more than asked tells whether a next page exists without counting the rows.
            var size = take ?? DefaultJournalPage;
            var entries = await store.GetJournalAsync(instanceId, after ?? 0, size + 1, ct);
            var page = entries.Count > size ? entries.Take(size).ToList() : entries;
            if (entries.Count > size)
            {
                var next = $"{http.Request.PathBase}{http.Request.Path}?after={page[^1].Sequence}&take={size}";
                http.Response.Headers.Link = $"<{next}>; rel=\"next\"";
            }

            return TypedResults.Ok(page.Select(JournalJson.ToJson));
        }).RequireAuthorization(Policies.ChangeManagement).WithSummary("The execution journal, oldest first, a page at a time: which activity ran when, with which outcome (change managers and admins).")
            .WithDescription($"Pages of `take` entries (default {DefaultJournalPage}, at most {MaxJournalPage}) after the sequence `after`; a `Link: <...>; rel=\"next\"` header gives the next page while there is one. An instance keeps its newest entries only (ChangeFlow:Runtime:MaxJournalEntriesPerInstance), so its first entry may have a sequence above 1.");

        group.MapPost("/{instanceId}/bookmarks/{bookmarkId}/resume", async (string instanceId, string bookmarkId, ResumeBody? body, WorkflowRuntime runtime, CancellationToken ct) =>
            ToResult(await runtime.ResumeAsync(instanceId, bookmarkId, body?.Input, ct)))
            .RequireAuthorization(Policies.ChangeManagement).WithSummary("Resumes one bookmark; a consumed bookmark gives 409.");

        group.MapPost("/{instanceId}/cancel", async (string instanceId, WorkflowRuntime runtime, CancellationToken ct) =>
            ToResult(await runtime.CancelAsync(instanceId, ct)))
            .RequireAuthorization(Policies.ChangeManagement).WithSummary("Cancels an instance and withdraws its timers.");

        // Stimuli wake waiting workflows and dead letters show their payloads: change management only.
        var stimuli = app.MapGroup("/api/stimuli").WithTags("Stimuli").RequireAuthorization(Policies.ChangeManagement);
        stimuli.MapPost("/", async Task<Results<Ok<StimulusResult>, Accepted<StimulusResult>, ValidationProblem>> (StimulusBody body, WorkflowRuntime runtime, CancellationToken ct) =>
        {
            if (string.IsNullOrWhiteSpace(body.Name))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["A stimulus needs a name."] });
            }

            var result = await runtime.DeliverAsync(new StimulusRequest(body.Name, body.Payload, body.Input, body.InstanceId, body.CorrelationId), ct);
            return result.Resumed > 0 ? TypedResults.Ok(result) : TypedResults.Accepted((string?)null, result);
        }).WithSummary("Delivers a stimulus to every bookmark with the same name and payload; 202 when none matched yet (it is retried).");

        stimuli.MapPost("/events/{eventName}", async Task<Results<Ok<StimulusResult>, Accepted<StimulusResult>>> (string eventName, EventBody? body, WorkflowRuntime runtime, CancellationToken ct) =>
        {
            var result = await runtime.DeliverAsync(
                new StimulusRequest(Engine.Activities.Event.BookmarkName, Engine.Activities.Event.StimulusPayload(eventName), body?.Payload, body?.InstanceId, body?.CorrelationId),
                ct);
            return result.Resumed > 0 ? TypedResults.Ok(result) : TypedResults.Accepted((string?)null, result);
        }).WithSummary("Publishes a named event to waiting Elsa.Event activities.");

        stimuli.MapGet("/dead-letters", async (IStimulusStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListDeadLetteredAsync(100, ct)))
            .WithSummary("Stimuli that matched no bookmark after every retry.");

        return app;
    }

    private static IResult ToResult(RuntimeResult result) => result.Outcome switch
    {
        RuntimeOutcome.Ok => TypedResults.Ok(result.Instance),
        RuntimeOutcome.NotFound => TypedResults.NotFound(new ProblemDetailsBody("Not found", result.Message, StatusCodes.Status404NotFound)),
        _ => TypedResults.Conflict(new ProblemDetailsBody("Conflict", result.Message, StatusCodes.Status409Conflict)),
    };
}

public sealed record ResumeBody(JsonNode? Input);

public sealed record StimulusBody(string Name, JsonNode? Payload, JsonNode? Input, string? InstanceId, string? CorrelationId);

public sealed record EventBody(JsonNode? Payload, string? InstanceId, string? CorrelationId);
