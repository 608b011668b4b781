using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Api;

/// <summary>Human tasks (the inbox of approvals, reviews and checks) and the Continual Improvement Register.</summary>
public static class TasksApi
{
    // A task's status is written by name ("Open", "Completed"), as ?status= takes it, not as the enum's number.
    /// <summary>The <c>?status=</c> value that lists tasks in every status.</summary>
    private const string AllStatuses = "All";

    private static readonly JsonSerializerOptions TaskJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapTasksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tasks").WithTags("Tasks");
        group.MapGet("/", ListAsync)
            .WithSummary("A task inbox: ?assignedTo=me (default) or a user id or e-mail (change managers and admins), &status=Open (default)|Completed|Canceled|Expired|All&skip=&take=.");
        group.MapGet("/{taskId}", async (string taskId, TaskService tasks, IUserDirectory users, HttpCurrentUser user, CancellationToken ct) =>
                await AnswerAsync(await tasks.GetAsync(taskId, user.UserId!, user.Roles, ct), users, ct))
            .WithSummary("One task (its assignee, change managers and admins).");
        group.MapPost("/{taskId}/complete", CompleteAsync).WithIdempotency()
            .Accepts<CompleteTaskBody>("application/json").Produces<HumanTask>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Completes a task: { outcome: \"Approved\"|\"Rejected\"|..., comment?, data? }. A rejection needs a comment; nobody decides on a change they created or requested.");
        group.MapPost("/{taskId}/reassign", ReassignAsync).WithIdempotency()
            .Accepts<ReassignTaskBody>("application/json").Produces<HumanTask>()
            .WithSummary("Hands a task to someone else: { userId } (an id or an e-mail; the assignee, change managers and admins), only to someone its original assignment could have chosen.");

        var improvements = app.MapGroup("/api/improvements").WithTags("Continual improvement");
        improvements.MapGet("/", async (string? change, string? skip, string? take, IImprovementStore store, CancellationToken ct) =>
        {
            var errors = new List<DomainError>();
            var (skipCount, takeCount) = (QueryValues.Int("skip", skip, errors), QueryValues.Int("take", take, errors));
            if (errors.Count > 0)
            {
                return ApiResults.Invalid(errors);
            }

            if (skipCount is < 0 || takeCount is < 1 or > 500)
            {
                return ApiResults.Invalid(skipCount is < 0 ? "skip" : "take", ErrorCodes.OutOfRange, "'skip' must not be negative and 'take' must be between 1 and 500.");
            }

            var page = await store.ListAsync(change, skipCount ?? 0, takeCount ?? 50, ct);
            return TypedResults.Ok(new { items = page.Items.Select(View), total = page.Total, skip = page.Skip, take = page.Take });
        }).WithSummary("The Continual Improvement Register, newest first; ?change= filters by the change whose review raised them.");
        improvements.MapGet("/{number}", async (string number, IImprovementStore store, CancellationToken ct) =>
            await store.FindAsync(number, ct) is { } item
                ? TypedResults.Ok(View(item))
                : ApiResults.From(Application.Common.CommandResult.NotFound<ImprovementRecord>(string.Empty, $"No improvement item '{number}'."), _ => Results.Empty))
            .WithSummary("One improvement item (CIR-YYYY-NNN).");
        return app;
    }

    /// <summary>An improvement item as the API shows it: the source change by its number (RFC-2026-014), enums by name.</summary>
    private static object View(ImprovementRecord record) => new
    {
        number = record.Number,
        item = new
        {
            title = record.Item.Title,
            description = record.Item.Description,
            sourceChange = record.Item.SourceChange?.ToString(),
            status = record.Item.Status.ToString(),
            priority = record.Item.Priority.ToString(),
        },
        owner = record.Owner,
        createdBy = record.CreatedBy,
        createdAt = record.CreatedAt,
        updatedAt = record.UpdatedAt,
        version = record.Version,
    };

    private static async Task<IResult> ListAsync(string? assignedTo, string? status, string? skip, string? take, TaskService tasks, UserService users, IUserDirectory directory, HttpCurrentUser user, CancellationToken ct)
    {
        var errors = new List<DomainError>();
        // An inbox is what is left to do: open tasks unless the caller asks for a status, or for all of them.
        var everyStatus = string.Equals(status, AllStatuses, StringComparison.OrdinalIgnoreCase);
        var parsedStatus = everyStatus ? (HumanTaskStatus?)null : QueryValues.Enum<HumanTaskStatus>("status", status, errors) ?? HumanTaskStatus.Open;
        var (skipCount, takeCount) = (QueryValues.Int("skip", skip, errors), QueryValues.Int("take", take, errors));
        if (skipCount is < 0)
        {
            errors.Add(new DomainError("skip", ErrorCodes.OutOfRange, "'skip' must not be negative."));
        }

        if (takeCount is < 1 or > 200)
        {
            errors.Add(new DomainError("take", ErrorCodes.OutOfRange, "'take' must be between 1 and 200."));
        }

        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        var who = string.IsNullOrEmpty(assignedTo) || assignedTo.Equals("me", StringComparison.OrdinalIgnoreCase) ? user.UserId! : await users.ResolveIdAsync(assignedTo, ct);
        if (who != user.UserId && !user.IsInRole(Application.Security.Roles.ChangeManager) && !user.IsInRole(Application.Security.Roles.Admin))
        {
            return TypedResults.Problem("Only change managers and admins see other people's tasks.", statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");
        }

        var page = await tasks.ListForUserAsync(who, parsedStatus, skipCount ?? 0, takeCount ?? 50, ct);
        var name = await PeopleNames.ForAsync(directory, page.Items.SelectMany(t => new[] { t.AssigneeUserId, t.CompletedBy }), ct);
        return TypedResults.Json(new { items = page.Items.Select(t => View(t, name)), total = page.Total, skip = page.Skip, take = page.Take }, TaskJson);
    }

    private static async Task<IResult> CompleteAsync(string taskId, HttpRequest request, TaskService tasks, IUserDirectory directory, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "outcome", "comment", "data");
        if (body is null)
        {
            return problem!;
        }

        var outcome = body.Text("outcome", required: true, maxLength: 100);
        var comment = body.Text("comment");
        var data = body.Object("data");
        return body.Errors.Count > 0
            ? ApiResults.Invalid(body.Errors)
            : await AnswerAsync(await tasks.CompleteAsync(taskId, outcome, comment, data, user.UserId!, user.Roles, ct), directory, ct);
    }

    /// <summary>A task as the API shows it: the record, with the assignee's and the decider's display names beside their ids.</summary>
    private static JsonObject View(HumanTask task, Func<string?, string?> name)
    {
        var view = JsonSerializer.SerializeToNode(task, TaskJson)!.AsObject();
        view["assigneeName"] = name(task.AssigneeUserId);
        view["completedByName"] = name(task.CompletedBy);
        return view;
    }

    private static async Task<IResult> AnswerAsync(CommandResult<HumanTask> result, IUserDirectory directory, CancellationToken ct)
    {
        if (!result.IsOk)
        {
            return ApiResults.From(result, _ => Results.Empty);
        }

        var task = result.Value!;
        return TypedResults.Json(View(task, await PeopleNames.ForAsync(directory, [task.AssigneeUserId, task.CompletedBy], ct)), TaskJson);
    }

    private static async Task<IResult> ReassignAsync(string taskId, HttpRequest request, TaskService tasks, UserService users, IUserDirectory directory, HttpCurrentUser user, CancellationToken ct)
    {
        var (body, problem) = await CommandBody.ReadAsync(request, emptyAllowed: false, "userId");
        if (body is null)
        {
            return problem!;
        }

        var to = body.Text("userId", required: true, maxLength: 320);
        return body.Errors.Count > 0
            ? ApiResults.Invalid(body.Errors)
            : await AnswerAsync(await tasks.ReassignAsync(taskId, await users.ResolveIdAsync(to!, ct), user.UserId!, user.Roles, ct), directory, ct);
    }
}
