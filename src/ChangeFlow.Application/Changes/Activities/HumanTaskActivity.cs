using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;
using TaskRecord = ChangeFlow.Application.Tasks.HumanTask;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// What the human-task activities share: one <see cref="HumanTask"/> per resolved assignee (sharing a group id),
/// a wait on a <see cref="ChangeStimuli.HumanTask"/> bookmark with payload <c>{groupId}</c>, an optional due time that
/// ends the wait with <see cref="TimedOut"/>, and a tally of completions by task until the subclass decides. The
/// remaining tasks are then closed (Canceled when decided, Expired on timeout) and the timer withdrawn.
/// </summary>
public abstract class HumanTaskActivity : ChangeActivity
{
    /// <summary>The outcome when nobody decided by the due time.</summary>
    public const string TimedOut = "TimedOut";

    /// <summary>The task title.</summary>
    public static readonly InputDescriptor Title = Inputs.String("title", "Title", "What the assignees see in their inbox (Liquid allowed).", required: true);

    /// <summary>The task description.</summary>
    public static readonly InputDescriptor Description = Inputs.String("description", "Description", "Details for the assignees.");

    /// <summary>Who gets a task.</summary>
    public static readonly InputDescriptor Assignees = Inputs.Of(
        DataType.StringList,
        "assignees",
        "Assignees",
        "Who gets a task: user:<id|email>, role:<Role>, group:<group>, board:<cabBoardId> (or board for the change's board), requestor, field:<path in change>.",
        required: true);

    /// <summary>When the wait ends with TimedOut.</summary>
    public static readonly InputDescriptor Due = Inputs.String("due", "Due", "A duration from now (PT4H, 1.00:00:00), an instant (ISO 8601), or an offset from the change's CAB meeting or window (cabMeeting+P1D, windowStart-PT2H, windowEnd+PT1H); when it passes undecided the outcome is TimedOut.");

    /// <summary>The least time assignees get to respond, whatever the due time says.</summary>
    public static readonly InputDescriptor MinimumTime = Inputs.Of(
        DataType.TimeSpan,
        "minimumTime",
        "Minimum time to respond",
        "The least time assignees get (default 1 hour; 00:00:00 for none): a due time that would leave less, e.g. a deadline already past when a late CAB decision opens this stage, is moved to now plus this, so nobody is timed out unasked.");

    /// <summary>Outcomes that need a comment.</summary>
    public static readonly InputDescriptor CommentRequiredFor = Inputs.Of(DataType.StringList, "commentRequiredFor", "Comment required for", "Outcomes that need a comment.");

    /// <summary>Data shown with the task.</summary>
    public static readonly InputDescriptor Data = Inputs.Of(DataType.Object, "data", "Data", "Data attached to every task (e.g. the schedule conflicts the CAB should see).");

    /// <summary>The kind of task.</summary>
    public static readonly InputDescriptor Kind = Inputs.String("kind", "Kind", "The kind of task, e.g. Approval or PostImplementationReview.");

    /// <summary>The decision.</summary>
    public static readonly OutputDescriptor Decision = new("decision", DataType.String, "The outcome reached (or TimedOut).");

    /// <summary>The completions.</summary>
    public static readonly OutputDescriptor Votes = new("votes", DataType.Object, "Every completion: taskId, by, outcome, comment, at, data.");

    /// <summary>The data of the deciding completion.</summary>
    public static readonly OutputDescriptor ResultData = new("data", DataType.Object, "The data the deciding assignee attached (e.g. PIR findings).");

    /// <summary>The outcomes an assignee may choose from.</summary>
    protected abstract IReadOnlyList<string> TaskOutcomes(ActivityExecutionContext context);

    /// <summary>The kind used when the input is not set.</summary>
    protected abstract string DefaultKind { get; }

    /// <summary>The outcomes that need a comment when the input is not set.</summary>
    protected abstract IReadOnlyList<string> DefaultCommentRequiredFor { get; }

    /// <summary>Whether the change's requestor is left out of the assignees.</summary>
    protected abstract bool ExcludesRequestor(ActivityExecutionContext context);

    /// <summary>Checks the resolved assignees and records how completions will be counted (faults on a bad setup).</summary>
    protected virtual ValueTask PrepareAsync(ActivityExecutionContext context, ChangeRecord record, IReadOnlyList<string> specs, IReadOnlyList<ResolvedAssignee> assignees) => default;

    /// <summary>
    /// Called once the tasks of one execution are staged (in the run, not yet committed): e.g. to queue e-mails to the
    /// assignees with the run's own writes.
    /// </summary>
    protected virtual ValueTask OnTasksCreatedAsync(ActivityExecutionContext context, ChangeRecord record, IReadOnlyList<TaskRecord> tasks) => default;

    /// <summary>The decision after <paramref name="votes"/> out of <paramref name="eligible"/> tasks, or null while undecided.</summary>
    protected abstract string? Decide(ActivityExecutionContext context, IReadOnlyList<TaskVote> votes, int eligible);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var title = context.GetString(Title);
        if (string.IsNullOrWhiteSpace(title))
        {
            throw new WorkflowFaultException("InvalidTask", "The task title is empty.");
        }

        var specs = context.GetStringList(Assignees);
        // Excluding the requestor excludes whoever filed the change for them too: nobody decides on their own change.
        var excluded = ExcludesRequestor(context) ? TaskDeciders.ExcludedFor(record) : [];
        var resolved = await AssigneeResolver.ResolveAsync(specs, record, context.GetRequiredService<IUserDirectory>(), Catalog(context), context.CancellationToken);
        var assignees = resolved.Where(a => !excluded.Contains(a.UserId)).ToList();
        if (assignees.Count == 0)
        {
            throw new WorkflowFaultException(
                "NoAssignees",
                $"Nobody can take the task: {string.Join(", ", specs)} resolved to {(resolved.Count == 0 ? "no active user" : "only the change's requestor or creator, who may not decide on their own change")}.");
        }

        await PrepareAsync(context, record, specs, assignees);
        var due = ParseDue(context, record);
        var minimum = context.GetTimeSpan(MinimumTime) ?? TimeSpan.FromHours(1);
        if (due is { } asked && minimum > TimeSpan.Zero && asked < context.Now + minimum)
        {
            due = context.Now + minimum;
            AddTimeline(context, record.Number, "task.due-extended", $"The due time {Local(record, asked)} left less than {minimum:g} to respond; the task is due {Local(record, due.Value)} instead.");
        }

        var outcomes = TaskOutcomes(context);
        var commentRequired = context.Node.Inputs.ContainsKey(CommentRequiredFor.Name) ? context.GetStringList(CommentRequiredFor) : DefaultCommentRequiredFor;
        var data = context.Evaluate(Data) as JsonObject;
        var kind = context.GetString(Kind) is { Length: > 0 } k ? k : DefaultKind;
        var groupId = Guid.CreateVersion7(context.Now).ToString("N");
        var session = context.GetRequiredService<RunSession>();
        var tasks = new JsonObject();
        var created = new List<TaskRecord>();
        foreach (var assignee in assignees)
        {
            var taskId = Guid.CreateVersion7(context.Now).ToString("N");
            tasks[taskId] = assignee.UserId;
            created.Add(new TaskRecord
            {
                Id = taskId,
                GroupId = groupId,
                InstanceId = context.Instance.Id,
                ActivityId = context.Node.Id,
                SubjectKind = "change",
                SubjectId = record.Number,
                Kind = kind,
                Title = title,
                Description = context.GetString(Description),
                AssigneeUserId = assignee.UserId,
                AssignedVia = assignee.Via,
                Outcomes = outcomes,
                CommentRequiredFor = commentRequired,
                ExcludedUserIds = excluded,
                Status = HumanTaskStatus.Open,
                DueAt = due,
                CreatedAt = context.Now,
                Data = (JsonObject?)data?.DeepClone(),
                Version = 1,
            });
            session.Add(new TaskCreateWrite(created[^1]));
        }

        var state = context.State;
        state["groupId"] = groupId;
        state["tasks"] = tasks;
        state["votes"] = new JsonArray();
        state["excluded"] = new JsonArray([.. excluded.Select(e => (JsonNode?)JsonValue.Create(e))]);
        state["outcomes"] = new JsonArray([.. outcomes.Select(o => (JsonNode?)JsonValue.Create(o))]);
        state["commentRequiredFor"] = new JsonArray([.. commentRequired.Select(o => (JsonNode?)JsonValue.Create(o))]);
        context.CreateBookmark(ChangeStimuli.TaskPayload(groupId), name: ChangeStimuli.HumanTask);
        if (due is { } dueAt)
        {
            CreateTimer(context, dueAt);
        }

        AddTimeline(context, record.Number, "task.created", $"{kind} '{title}' for {string.Join(", ", assignees.Select(a => a.UserId))}{(due is { } d ? $", due {Local(record, d)}" : string.Empty)}", new JsonObject
        {
            ["groupId"] = groupId,
            ["assignees"] = new JsonArray([.. assignees.Select(a => (JsonNode?)JsonValue.Create(a.UserId))]),
            ["dueAt"] = due?.ToString("O", CultureInfo.InvariantCulture),
        });
        await OnTasksCreatedAsync(context, record, created);
    }

    /// <inheritdoc />
    public override async ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var state = context.State;
        var groupId = state["groupId"]!.GetValue<string>();
        var tasks = state["tasks"]!.AsObject();
        var votes = ReadVotes(state);
        var session = context.GetRequiredService<RunSession>();

        if (ResumedByTimer(context))
        {
            CloseOpen(context, session, tasks, votes, Tasks.HumanTaskStatus.Expired);
            context.RemoveOwnBookmarks();
            Finish(context, record, TimedOut, votes, null, $"No decision by the due time: {TimedOut}");
            return;
        }

        var input = context.ResumeInput as JsonObject;
        var taskId = Text(input, "taskId");
        var outcome = Text(input, "outcome");
        var comment = Text(input, "comment");
        var by = Text(input, "by") ?? session.Actor ?? SystemActor;
        var outcomes = Strings(state["outcomes"]);
        var commentRequired = Strings(state["commentRequiredFor"]);
        var refusal =
            taskId is null || !tasks.ContainsKey(taskId) ? $"task '{taskId}' is not one of this activity's tasks"
            : votes.Any(v => v.TaskId == taskId) ? $"task {taskId} was already completed"
            : outcome is null || !outcomes.Contains(outcome, StringComparer.Ordinal) ? $"'{outcome}' is not one of {string.Join(", ", outcomes)}"
            : commentRequired.Contains(outcome, StringComparer.Ordinal) && string.IsNullOrWhiteSpace(comment) ? $"{outcome} needs a comment"
            : Strings(state["excluded"]).Contains(by, StringComparer.Ordinal) ? $"{by} created or requested {record.Number} and may not decide on it"
            : null;
        if (refusal is not null && Text(input, ChangeStimuli.ExpectedStatus) == ChangeStimuli.TaskExpectsOpen)
        {
            // The completion expected an open task (the task inbox, an e-mail link): it lost to another one, or is
            // not valid here; nothing is written and the caller answers 409 with the reason.
            session.Refuse($"Completion refused: {refusal}.");
            return;
        }

        if (refusal is not null)
        {
            AddTimeline(context, record.Number, "task.ignored", $"Completion ignored: {refusal}.", actor: by);
            context.CreateBookmark(ChangeStimuli.TaskPayload(groupId), name: ChangeStimuli.HumanTask);
            return;
        }

        var data = input?["data"] as JsonObject;
        var vote = new TaskVote(taskId!, by, outcome!, string.IsNullOrWhiteSpace(comment) ? null : comment, context.Now, (JsonObject?)data?.DeepClone());
        votes.Add(vote);
        state["votes"] = WriteVotes(votes);
        session.Add(new TaskCloseWrite(vote.TaskId, Tasks.HumanTaskStatus.Completed, vote.Outcome, vote.Comment, by, context.Now, vote.Data));
        var completed = new JsonObject { ["taskId"] = vote.TaskId, ["outcome"] = vote.Outcome };
        var summary = $"{by}: {vote.Outcome}";
        if (MailLinkUse.FromJson(input?["via"]) is { } link)
        {
            // The link's use is recorded in this run's transaction, with the completion it caused: it decides once.
            session.Add(new MailLinkRedemptionWrite(new MailLinkRedemption(link.TokenId, vote.TaskId, by, link.Action, link.AttemptId, context.Now)));
            var person = await context.GetRequiredService<IUserDirectory>().FindAsync(by, context.CancellationToken);
            summary = $"{vote.Outcome} by e-mail by {(person is null ? by : $"{person.DisplayName} ({by})")}";
            completed["via"] = MailLinkUse.Channel;
        }

        AddTimeline(context, record.Number, "task.completed", vote.Comment is null ? summary : $"{summary} — {vote.Comment}", completed, actor: by);

        var decision = Decide(context, votes, tasks.Count);
        if (decision is null)
        {
            context.CreateBookmark(ChangeStimuli.TaskPayload(groupId), name: ChangeStimuli.HumanTask);
            return;
        }

        CloseOpen(context, session, tasks, votes, Tasks.HumanTaskStatus.Canceled);
        context.RemoveOwnBookmarks();
        Finish(context, record, decision, votes, vote.Data, $"Decided: {decision} ({votes.Count} of {tasks.Count} responded)");
    }

    private static void Finish(ActivityExecutionContext context, ChangeRecord record, string decision, List<TaskVote> votes, JsonObject? data, string summary)
    {
        context.SetOutput(Decision.Name, decision);
        context.SetOutput(Votes.Name, WriteVotes(votes));
        context.SetOutput(ResultData.Name, data?.DeepClone());
        AddTimeline(context, record.Number, "task.decided", summary, new JsonObject { ["decision"] = decision });
        context.Complete(decision);
    }

    private static void CloseOpen(ActivityExecutionContext context, RunSession session, JsonObject tasks, List<TaskVote> votes, Tasks.HumanTaskStatus status)
    {
        foreach (var (taskId, _) in tasks)
        {
            if (!votes.Any(v => v.TaskId == taskId))
            {
                session.Add(new TaskCloseWrite(taskId, status, null, null, null, context.Now));
            }
        }
    }

    private static DateTimeOffset? ParseDue(ActivityExecutionContext context, ChangeRecord record)
    {
        var value = context.Evaluate(Due);
        if (value is null || (value is JsonValue v && string.IsNullOrWhiteSpace(ValueConverter.AsText(v))))
        {
            return null;
        }

        var text = ValueConverter.AsText(value).Trim();
        var sign = text.IndexOfAny(['+', '-']);
        if (sign > 0 && char.IsLetter(text[0]))
        {
            DateTimeOffset? anchor = text[..sign].ToUpperInvariant() switch
            {
                "CABMEETING" => record.CabMeetingAt,
                "WINDOWSTART" => record.Change.Window?.Start,
                "WINDOWEND" => record.Change.Window?.End,
                _ => throw new WorkflowFaultException("InvalidDue", $"'{text[..sign]}' is not an anchor (cabMeeting, windowStart, windowEnd)."),
            };
            if (anchor is null)
            {
                throw new WorkflowFaultException("InvalidDue", $"{record.Number} has no {text[..sign]} to count the due time from.");
            }

            if (!ValueConverter.TryParseTimeSpan(JsonValue.Create(text[(sign + 1)..]), out var offset))
            {
                throw new WorkflowFaultException("InvalidDue", $"'{text[(sign + 1)..]}' is not a duration.");
            }

            return (text[sign] == '+' ? anchor.Value + offset : anchor.Value - offset).ToUniversalTime();
        }

        if (ValueConverter.TryParseTimeSpan(value, out var span))
        {
            return span > TimeSpan.Zero ? context.Now + span : throw new WorkflowFaultException("InvalidDue", $"The due duration {span} is not positive.");
        }

        if (ValueConverter.TryParseInstant(value, out var instant))
        {
            return instant.ToUniversalTime();
        }

        throw new WorkflowFaultException("InvalidDue", $"'{ValueConverter.AsText(value)}' is neither a duration nor an instant.");
    }

    private static string? Text(JsonObject? obj, string name) =>
        obj is not null && obj.TryGetPropertyValue(name, out var node) && node is JsonValue value && ValueConverter.AsText(value) is { Length: > 0 } text ? text : null;

    private static List<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(item => item?.GetValue<string>() ?? string.Empty)] : [];

    private static List<TaskVote> ReadVotes(JsonObject state) =>
        state["votes"] is JsonArray array
            ? [.. array.OfType<JsonObject>().Select(v => new TaskVote(
                v["taskId"]!.GetValue<string>(),
                v["by"]!.GetValue<string>(),
                v["outcome"]!.GetValue<string>(),
                v["comment"]?.GetValue<string>(),
                DateTimeOffset.Parse(v["at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                v["data"] as JsonObject))]
            : [];

    private static JsonArray WriteVotes(IEnumerable<TaskVote> votes) =>
        new([.. votes.Select(v => (JsonNode?)new JsonObject
        {
            ["taskId"] = v.TaskId,
            ["by"] = v.By,
            ["outcome"] = v.Outcome,
            ["comment"] = v.Comment,
            ["at"] = v.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["data"] = v.Data?.DeepClone(),
        })]);
}

/// <summary>One completed task of a human-task activity.</summary>
/// <param name="TaskId">The task.</param>
/// <param name="By">Who completed it.</param>
/// <param name="Outcome">The outcome chosen.</param>
/// <param name="Comment">The comment, if any.</param>
/// <param name="At">When.</param>
/// <param name="Data">Data attached (e.g. findings).</param>
public sealed record TaskVote(string TaskId, string By, string Outcome, string? Comment, DateTimeOffset At, JsonObject? Data);
