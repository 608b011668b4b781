using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Application.Tasks;

/// <summary>
/// The task inbox: a user's tasks, completing one (which resumes the workflow that waits for it) and reassigning.
/// Who may complete or take a task is <see cref="TaskDeciders"/>'s rule: only the assignee completes it, the change's
/// creator and requestor never complete a task that excludes them, whoever it is assigned to, and a task moves only
/// to someone its original assignment could have chosen. Completing the same task again with the same outcome is a no-op.
/// </summary>
public sealed class TaskService
{
    /// <summary>The reassignment body's field that names the new assignee, which reassignment errors name.</summary>
    public const string ReassignTo = "userId";

    private readonly IHumanTaskStore _tasks;
    private readonly IUserDirectory _users;
    private readonly TaskDeciders _deciders;
    private readonly WorkflowRuntime _runtime;
    private readonly ITimelineStore _timeline;
    private readonly TimeProvider _time;
    private readonly IReadOnlyList<ITaskReassignmentListener> _listeners;

    /// <summary>
    /// How often a completion looks again for its task's bookmark while the task stays open: each look that loses
    /// means another vote of the group committed first (and replaced the bookmark), so a group of n tasks needs at
    /// most n looks; the bound only keeps a broken workflow from spinning a request.
    /// </summary>
    private const int MaxCompletionAttempts = 200;

    /// <summary>Creates the service; <paramref name="listeners"/> hear of every reassignment.</summary>
    public TaskService(IHumanTaskStore tasks, IUserDirectory users, TaskDeciders deciders, WorkflowRuntime runtime, ITimelineStore timeline, TimeProvider time, IEnumerable<ITaskReassignmentListener>? listeners = null)
    {
        _tasks = tasks;
        _users = users;
        _deciders = deciders;
        _runtime = runtime;
        _timeline = timeline;
        _time = time;
        _listeners = [.. listeners ?? []];
    }

    /// <summary>The tasks assigned to <paramref name="userId"/>: open ones by due time, then the rest newest first.</summary>
    public Task<Page<HumanTask>> ListForUserAsync(string userId, HumanTaskStatus? status, int skip, int take, CancellationToken cancellationToken) =>
        _tasks.ListAsync(new HumanTaskQuery(AssigneeUserId: userId, Status: status, Skip: Math.Max(0, skip), Take: Math.Clamp(take, 1, 200)), cancellationToken);

    /// <summary>A task; its assignee, change managers and admins may read it.</summary>
    public async Task<CommandResult<HumanTask>> GetAsync(string taskId, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var task = await _tasks.FindAsync(taskId, cancellationToken);
        if (task is null)
        {
            return CommandResult.NotFound<HumanTask>("taskId", $"No task '{taskId}'.");
        }

        return task.AssigneeUserId == userId || IsManager(roles) ? CommandResult.Ok(task) : CommandResult.Forbidden<HumanTask>("The task is assigned to someone else.");
    }

    /// <summary>
    /// Completes an open task with one of its outcomes: checks assignee, exclusion, outcome and comment, then
    /// delivers the <see cref="ChangeStimuli.HumanTask"/> stimulus with the caller as actor.
    /// </summary>
    public Task<CommandResult<HumanTask>> CompleteAsync(string taskId, string? outcome, string? comment, JsonObject? data, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken) =>
        CompleteAsync(taskId, outcome, comment, data, userId, roles, null, cancellationToken);

    /// <summary>
    /// Completes a task as <see cref="CompleteAsync(string, string?, string?, JsonObject?, string, IReadOnlyCollection{string}, CancellationToken)"/>
    /// does, saying how the completion arrived: <paramref name="via"/> (e.g. an e-mail link's
    /// <see cref="Approvals.MailLinkUse"/>) reaches the activity with the stimulus, which records it with the completion.
    /// </summary>
    public async Task<CommandResult<HumanTask>> CompleteAsync(string taskId, string? outcome, string? comment, JsonObject? data, string userId, IReadOnlyCollection<string> roles, JsonObject? via, CancellationToken cancellationToken)
    {
        var task = await _tasks.FindAsync(taskId, cancellationToken);
        if (task is null)
        {
            return CommandResult.NotFound<HumanTask>("taskId", $"No task '{taskId}'.");
        }

        switch (TaskDeciders.Check(task, userId))
        {
            case DeciderCheck.Excluded:
                return new CommandResult<HumanTask>(CommandStatus.Forbidden, null, [new DomainError("by", ErrorCodes.SelfApproval, $"{userId} created or requested {task.SubjectId} and may not decide on it.")]);
            case DeciderCheck.NotAssignee:
                return CommandResult.Forbidden<HumanTask>($"Task {task.Id} is assigned to {task.AssigneeUserId}, not to {userId}.");
        }

        if (task.Status != HumanTaskStatus.Open)
        {
            return Closed(task, outcome, comment, userId);
        }

        if (string.IsNullOrWhiteSpace(outcome) || !task.Outcomes.Contains(outcome, StringComparer.Ordinal))
        {
            return CommandResult.Invalid<HumanTask>("outcome", string.IsNullOrWhiteSpace(outcome) ? ErrorCodes.Required : ErrorCodes.Invalid, $"The outcome must be one of {string.Join(", ", task.Outcomes)}.");
        }

        if (task.CommentRequiredFor.Contains(outcome, StringComparer.Ordinal) && string.IsNullOrWhiteSpace(comment))
        {
            return CommandResult.Invalid<HumanTask>("comment", ErrorCodes.Required, $"{outcome} needs a comment saying why.");
        }

        var stimulus = new StimulusRequest(
            ChangeStimuli.HumanTask,
            ChangeStimuli.TaskPayload(task.GroupId),
            ChangeStimuli.TaskInput(task.Id, outcome, string.IsNullOrWhiteSpace(comment) ? null : comment, userId, data, via, expectOpen: true),
            InstanceId: task.InstanceId,
            Actor: userId);
        for (var attempt = 1; ; attempt++)
        {
            // The task is created in the same commit as the bookmark that waits for it, so an open task always has
            // one: matching nothing means a concurrent completion consumed it (and opened the next one for the
            // remaining votes, or decided). The stimulus never goes to the inbox, where it would be retried and
            // dead-lettered; the outcome is decided here, and only a committed run answers 200.
            var result = await _runtime.ResumeWaitingAsync(stimulus, cancellationToken);
            var current = await _tasks.FindAsync(task.Id, cancellationToken) ?? task;
            if (result.Succeeded)
            {
                return CommandResult.Ok(current);
            }

            if (current.Status != HumanTaskStatus.Open)
            {
                return Closed(current, outcome, comment, userId);
            }

            // Refused: the activity said why (e.g. this task's vote is in already). Nothing matched: the workflow no
            // longer waits for this group. Otherwise a concurrent vote took the bookmark first: look again.
            if (result.Outcome is RuntimeOutcome.Refused or RuntimeOutcome.NotFound || attempt >= MaxCompletionAttempts)
            {
                return CommandResult.Conflict<HumanTask>("status", result.Outcome == RuntimeOutcome.Refused
                    ? $"Task {task.Id} was not completed: {result.Message}"
                    : $"Task {task.Id} is open but its workflow is not waiting for it ({result.Message}).");
            }
        }
    }

    /// <summary>
    /// The answer for a task that is no longer open: the same completion again (a double click) gets the task, as the
    /// first did; any other is a conflict that says what the task became, so no request is told it decided when it did not.
    /// </summary>
    private static CommandResult<HumanTask> Closed(HumanTask task, string? outcome, string? comment, string userId) =>
        task.Status == HumanTaskStatus.Completed && task.CompletedBy == userId && task.Outcome == outcome && task.Comment == (string.IsNullOrWhiteSpace(comment) ? null : comment)
            ? CommandResult.Ok(task)
            : CommandResult.Conflict<HumanTask>("status", $"Task {task.Id} is {task.Status}{(task.Outcome is null ? string.Empty : $" ({task.Outcome})")}; only an open task is completed.");

    /// <summary>
    /// Gives an open task to someone else: change managers, admins and the current assignee may; only to someone the
    /// task's original assignment could have chosen (<see cref="TaskDeciders.MayTakeAsync"/>), never to a user the
    /// task excludes, nor to someone who already has a task of the same decision. Errors name the body's <c>userId</c>.
    /// </summary>
    public async Task<CommandResult<HumanTask>> ReassignAsync(string taskId, string? toUser, string userId, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var task = await _tasks.FindAsync(taskId, cancellationToken);
        if (task is null)
        {
            return CommandResult.NotFound<HumanTask>("taskId", $"No task '{taskId}'.");
        }

        if (task.AssigneeUserId != userId && !IsManager(roles))
        {
            return CommandResult.Forbidden<HumanTask>("Only the assignee, a change manager or an admin reassigns a task.");
        }

        if (task.Status != HumanTaskStatus.Open)
        {
            return CommandResult.Conflict<HumanTask>("status", $"Task {task.Id} is {task.Status}; only an open task is reassigned.");
        }

        var target = string.IsNullOrWhiteSpace(toUser) ? null : await _users.FindAsync(toUser, cancellationToken);
        if (target is not { IsActive: true })
        {
            return CommandResult.Invalid<HumanTask>(ReassignTo, ErrorCodes.Unknown, $"No active user '{toUser}'.");
        }

        if (TaskDeciders.Check(task with { AssigneeUserId = target.Id }, target.Id) == DeciderCheck.Excluded)
        {
            return CommandResult.Invalid<HumanTask>(ReassignTo, ErrorCodes.SelfApproval, $"{target.Id} created or requested {task.SubjectId} and may not decide on it.");
        }

        if (!await _deciders.MayTakeAsync(task, target, cancellationToken))
        {
            return CommandResult.Invalid<HumanTask>(ReassignTo, ErrorCodes.NotAllowed, $"{target.Id} may not decide this task: it was assigned by {task.AssignedVia ?? "an unknown rule"}, and only people that assignment could have chosen take it over.");
        }

        var siblings = await _tasks.ListAsync(new HumanTaskQuery(GroupId: task.GroupId, Take: 1000), cancellationToken);
        if (siblings.Items.Any(t => t.Id != task.Id && t.AssigneeUserId == target.Id))
        {
            return CommandResult.Invalid<HumanTask>(ReassignTo, ErrorCodes.Duplicate, $"{target.Id} already has a task in this decision; one person counts once.");
        }

        if (target.Id == task.AssigneeUserId)
        {
            return CommandResult.Ok(task);
        }

        // AssignedVia keeps the original assignment, so a later move is held to the same people; who moved it from
        // whom is on the timeline.
        var moved = task with { AssigneeUserId = target.Id, Version = task.Version + 1 };
        try
        {
            await _tasks.UpdateAsync(moved, task.Version, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            return CommandResult.Conflict<HumanTask>("version", $"Task {task.Id} changed meanwhile; reload it.");
        }

        var now = _time.GetUtcNow();
        await _timeline.AddAsync(new TimelineEntry(TimelineIds.Next(now), task.SubjectId, now, userId, "task.reassigned", $"'{task.Title}' reassigned from {task.AssigneeUserId} to {target.Id}.", task.InstanceId, task.ActivityId), cancellationToken);
        foreach (var listener in _listeners)
        {
            await listener.ReassignedAsync(moved, task.AssigneeUserId, userId, cancellationToken);
        }

        return CommandResult.Ok(moved);
    }

    private static bool IsManager(IReadOnlyCollection<string> roles) => Permissions.Grants(Permissions.ChangeManagement, roles);
}
