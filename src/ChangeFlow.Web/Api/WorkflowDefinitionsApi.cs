using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ChangeFlow.Web.Api;

/// <summary>Workflow definitions: list, get, validate, save draft, publish, versions; and starting instances.</summary>
public static class WorkflowDefinitionsApi
{
    public static IEndpointRouteBuilder MapWorkflowDefinitionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/activities", (ActivityRegistry registry) => TypedResults.Ok(registry.Descriptors))
            .WithTags("Workflow definitions").WithSummary("Lists the activity types a definition can use, with their inputs and outcomes.");

        var group = app.MapGroup("/api/workflow-definitions").WithTags("Workflow definitions");
        group.MapGet("/", async (IWorkflowDefinitionStore store, CancellationToken ct) =>
            TypedResults.Ok((await store.ListLatestAsync(ct)).Select(Summary)))
            .WithSummary("Lists every definition's latest version.");

        group.MapGet("/{definitionId}", async Task<Results<Ok<JsonNode>, NotFound<ProblemDetailsBody>>> (string definitionId, IWorkflowDefinitionStore store, CancellationToken ct) =>
        {
            var version = await store.FindPublishedAsync(definitionId, ct) ?? await store.FindLatestAsync(definitionId, ct);
            return version is null ? NotFoundProblem($"No workflow definition '{definitionId}'.") : TypedResults.Ok(JsonNode.Parse(version.Json)!);
        }).WithSummary("Gets the published version's document (or the latest draft when none is published).");

        group.MapGet("/{definitionId}/versions", async Task<Results<Ok<IEnumerable<object>>, NotFound<ProblemDetailsBody>>> (string definitionId, IWorkflowDefinitionStore store, CancellationToken ct) =>
        {
            var versions = await store.ListVersionsAsync(definitionId, ct);
            return versions.Count == 0 ? NotFoundProblem($"No workflow definition '{definitionId}'.") : TypedResults.Ok(versions.Select(Summary));
        }).WithSummary("Lists every version of a definition.");

        group.MapGet("/{definitionId}/versions/{version:int}", async Task<Results<Ok<JsonNode>, NotFound<ProblemDetailsBody>>> (string definitionId, int version, IWorkflowDefinitionStore store, CancellationToken ct) =>
        {
            var found = (await store.ListVersionsAsync(definitionId, ct)).FirstOrDefault(v => v.Version == version);
            return found is null ? NotFoundProblem($"Definition '{definitionId}' has no version {version}.") : TypedResults.Ok(JsonNode.Parse(found.Json)!);
        }).WithSummary("Gets one version's document.");

        group.MapPost("/validate", async Task<Results<Ok<ValidationAnswer>, ValidationProblem, ProblemHttpResult>> (HttpRequest request, WorkflowDefinitionService definitions) =>
        {
            var (json, tooLarge) = await ReadBodyAsync(request, definitions.Loader.Limits.MaxDefinitionBytes);
            if (tooLarge is not null)
            {
                return tooLarge;
            }

            var result = definitions.Validate(json!);
            return result.ExceedsLimits ? InvalidDefinition(result.Problems) : TypedResults.Ok(new ValidationAnswer(result.Succeeded, result.Problems));
        }).RequireAuthorization(Policies.ChangeManagement)
            .WithSummary("Validates a document without storing it; every problem has a JSON path. A body over the size limit is 413, a flowchart over the activity or connection limit 400.");

        group.MapPost("/", async Task<Results<Ok<object>, ValidationProblem, Conflict<ProblemDetailsBody>, ProblemHttpResult>> (HttpRequest request, WorkflowDefinitionService definitions, CancellationToken ct) =>
        {
            var (json, tooLarge) = await ReadBodyAsync(request, definitions.Loader.Limits.MaxDefinitionBytes);
            if (tooLarge is not null)
            {
                return tooLarge;
            }

            var change = await definitions.SaveDraftAsync(json!, ct);
            if (change.Conflict is not null)
            {
                return TypedResults.Conflict(new ProblemDetailsBody("Conflict", change.Conflict, StatusCodes.Status409Conflict));
            }

            return change.Version is null ? InvalidDefinition(change.Problems) : TypedResults.Ok(Summary(change.Version));
        }).RequireAuthorization(Policies.ChangeManagement).WithSummary("Saves a draft: replaces the latest unpublished version, or adds a new version.");

        group.MapPost("/{definitionId}/publish", async Task<Results<Ok<object>, ValidationProblem, NotFound<ProblemDetailsBody>>> (string definitionId, int? version, WorkflowDefinitionService definitions, CancellationToken ct) =>
        {
            var change = await definitions.PublishAsync(definitionId, version, ct);
            if (change.Conflict is not null)
            {
                return NotFoundProblem(change.Conflict);
            }

            return change.Version is null ? InvalidDefinition(change.Problems) : TypedResults.Ok(Summary(change.Version));
        }).RequireAuthorization(Policies.ChangeManagement).WithSummary("Publishes a version (the latest when no version is given); new instances start on it, running ones stay on theirs.");

        group.MapPost("/{definitionId}/instances", async Task<Results<Created<InstanceSummary>, NotFound<ProblemDetailsBody>, BadRequest<ProblemDetailsBody>, Conflict<ProblemDetailsBody>>> (string definitionId, StartInstanceBody? body, WorkflowRuntime runtime, TimeProvider time, HttpContext http, CancellationToken ct) =>
        {
            // A retry of a start whose instance was committed but whose answer was lost answers for that instance.
            if (http.CommittedResourceId() is { } committed && await runtime.GetAsync(committed, ct) is { } existing)
            {
                return TypedResults.Created($"/api/workflow-instances/{existing.Id}", existing);
            }

            var input = body?.Input?.ToDictionary(p => p.Key, p => p.Value?.DeepClone());
            var claim = http.IdempotencyClaim();
            var instanceId = claim is null ? null : Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
            var request = new StartRequest { InstanceId = instanceId, CorrelationId = body?.CorrelationId, Input = input };
            RuntimeResult result;
            try
            {
                // With an Idempotency-Key the instance and the key's seal commit together.
                result = claim is null
                    ? await runtime.StartAsync(definitionId, request, ct)
                    : await runtime.StartAsync(definitionId, request, [new IdempotencySealWrite(claim, instanceId!)], ct);
            }
            catch (ConcurrencyConflictException ex) when (claim is not null)
            {
                return TypedResults.Conflict(new ProblemDetailsBody("Conflict", ex.Message, StatusCodes.Status409Conflict));
            }

            return result.Outcome switch
            {
                RuntimeOutcome.Ok => TypedResults.Created($"/api/workflow-instances/{result.Instance!.Id}", result.Instance),
                RuntimeOutcome.NotFound => NotFoundProblem(result.Message!),
                _ => TypedResults.BadRequest(new ProblemDetailsBody("Input rejected", result.Message, StatusCodes.Status400BadRequest)),
            };
        }).RequireAuthorization(Policies.ChangeManagement).WithIdempotency()
            .WithSummary("Starts an instance of the published version. With an Idempotency-Key a retry gets the first answer and never a second instance, across a crash too.");

        return app;
    }

    internal static NotFound<ProblemDetailsBody> NotFoundProblem(string detail) =>
        TypedResults.NotFound(new ProblemDetailsBody("Not found", detail, StatusCodes.Status404NotFound));

    private static ValidationProblem InvalidDefinition(IReadOnlyList<WorkflowProblem> problems) =>
        TypedResults.ValidationProblem(
            problems.Where(p => p.Severity == ProblemSeverity.Error)
                .GroupBy(p => p.Path)
                .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray()),
            title: "The workflow definition is invalid.");

    private static object Summary(DefinitionVersion v) => new
    {
        v.Id,
        v.DefinitionId,
        v.Version,
        v.Name,
        v.Description,
        v.IsLatest,
        v.IsPublished,
        v.Source,
        v.CreatedAt,
        v.PublishedAt,
    };

    /// <summary>
    /// The body as text, or a 413 problem when it has more than <paramref name="maxBytes"/> bytes: a declared length
    /// over the limit is refused before reading, and reading stops at the first byte past it.
    /// </summary>
    private static async Task<(string? Text, ProblemHttpResult? TooLarge)> ReadBodyAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(request.ContentLength.Value, maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return (null, TooLarge(buffer.Length + read, maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        using var reader = new StreamReader(buffer);
        return (await reader.ReadToEndAsync(), null);
    }

    private static ProblemHttpResult TooLarge(long size, int maxBytes) =>
        TypedResults.Problem(
            WorkflowLoader.TooLargeMessage(size, maxBytes),
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "The workflow definition is too large.",
            type: "https://httpstatuses.io/413");
}

/// <summary>The answer of a validation: whether the document loads, and every problem with its JSON path.</summary>
public sealed record ValidationAnswer(bool Valid, IReadOnlyList<WorkflowProblem> Problems);

/// <summary>The body of a start request.</summary>
public sealed record StartInstanceBody(string? CorrelationId, JsonObject? Input);

/// <summary>An RFC 9457 problem body for typed results.</summary>
public sealed record ProblemDetailsBody(string Title, string? Detail, int Status)
{
    public string Type => $"https://httpstatuses.io/{Status}";
}

internal static class JournalJson
{
    public static object ToJson(JournalEntry e) => new { e.Sequence, e.Timestamp, e.ActivityId, e.ActivityType, Kind = e.Kind.ToString(), e.Outcomes, e.Message };
}
