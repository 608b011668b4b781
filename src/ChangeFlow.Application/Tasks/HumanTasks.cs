using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Application.Tasks;

/// <summary>Where a human task is in its life.</summary>
public enum HumanTaskStatus
{
    /// <summary>Waiting for its assignee.</summary>
    Open,
    /// <summary>Completed by its assignee with an outcome.</summary>
    Completed,
    /// <summary>No longer needed (the decision was reached by others, the workflow moved on or was cancelled).</summary>
    Canceled,
    /// <summary>Its due time passed before anyone completed it.</summary>
    Expired,
}

/// <summary>
/// A piece of work for one person, created by a workflow activity (an approval vote, a checkpoint, a PIR record).
/// The tasks one activity creates at once share a <see cref="GroupId"/>; the activity decides (e.g. by quorum) and
/// closes the rest.
/// </summary>
public sealed record HumanTask
{
    public required string Id { get; init; }

    /// <summary>The tasks created by one execution of one activity.</summary>
    public required string GroupId { get; init; }

    public required string InstanceId { get; init; }

    public required string ActivityId { get; init; }

    /// <summary>What the task is about: <c>change</c> (later <c>incident</c>).</summary>
    public required string SubjectKind { get; init; }

    /// <summary>The change number (or other subject id).</summary>
    public required string SubjectId { get; init; }

    /// <summary>The kind of work, e.g. <c>Approval</c>, <c>PostImplementationReview</c>.</summary>
    public required string Kind { get; init; }

    public required string Title { get; init; }

    public string? Description { get; init; }

    /// <summary>The user who must do it.</summary>
    public required string AssigneeUserId { get; init; }

    /// <summary>
    /// How the assignee was first chosen (e.g. <c>role:CabMember</c>, <c>board:cab-lims</c>); kept when the task is
    /// reassigned, so it says who may take it over (<see cref="TaskDeciders"/>).
    /// </summary>
    public string? AssignedVia { get; init; }

    /// <summary>The outcomes the assignee may choose from, e.g. Approved, Rejected.</summary>
    public required IReadOnlyList<string> Outcomes { get; init; }

    /// <summary>Outcomes that need a comment (a rejection must say why).</summary>
    public IReadOnlyList<string> CommentRequiredFor { get; init; } = [];

    /// <summary>Users who may not complete it whoever it is assigned to (the change's requestor and whoever created it).</summary>
    public IReadOnlyList<string> ExcludedUserIds { get; init; } = [];

    public HumanTaskStatus Status { get; init; }

    public string? Outcome { get; init; }

    public string? Comment { get; init; }

    public string? CompletedBy { get; init; }

    public DateTimeOffset? DueAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Extra data the activity or the assignee attaches (e.g. PIR findings).</summary>
    public JsonObject? Data { get; init; }

    /// <summary>Optimistic concurrency: 1 when created, +1 on every change.</summary>
    public long Version { get; init; }
}

/// <summary>What a list of tasks is filtered by.</summary>
public sealed record HumanTaskQuery(
    string? AssigneeUserId = null,
    HumanTaskStatus? Status = null,
    string? SubjectId = null,
    string? GroupId = null,
    int Skip = 0,
    int Take = 50);

/// <summary>Stores human tasks. Activities create and close them through run writes; reassignment is a plain update.</summary>
public interface IHumanTaskStore
{
    Task<HumanTask?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Tasks matching the query: open ones by due time (none last), then the rest newest first.</summary>
    Task<Page<HumanTask>> ListAsync(HumanTaskQuery query, CancellationToken cancellationToken);

    /// <summary>Replaces a task outside a run (reassignment); <paramref name="task"/> carries version <paramref name="expectedVersion"/> + 1.</summary>
    Task UpdateAsync(HumanTask task, long expectedVersion, CancellationToken cancellationToken);
}

/// <summary>A task created with a run.</summary>
public sealed record TaskCreateWrite(HumanTask Task) : IRunWrite;

/// <summary>
/// Closes a task with a run. Only an open task is closed; closing one that is no longer open changes nothing (a
/// concurrent reassignment does not block it: the version is bumped either way).
/// </summary>
public sealed record TaskCloseWrite(string TaskId, HumanTaskStatus Status, string? Outcome, string? Comment, string? By, DateTimeOffset At, JsonObject? Data = null) : IRunWrite;
