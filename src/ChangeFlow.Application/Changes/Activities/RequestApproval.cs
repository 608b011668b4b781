using System.Text.Json.Nodes;
using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Notifications;
using TaskRecord = ChangeFlow.Application.Tasks.HumanTask;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Cab;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Asks people to approve or reject the change and decides by quorum (All, Majority, FirstResponse, NOfM, or the
/// CAB board's own policy). The change's requestor is never asked and never counted; a rejection needs a comment.
/// </summary>
public sealed class RequestApproval : HumanTaskActivity
{
    /// <summary>The approve outcome.</summary>
    public const string Approved = "Approved";

    /// <summary>The kind of the tasks it creates unless the workflow names another.</summary>
    public const string TaskKind = "Approval";

    /// <summary>The reject outcome.</summary>
    public const string Rejected = "Rejected";

    /// <summary>How votes are counted.</summary>
    public static readonly InputDescriptor Quorum = new(
        "quorum",
        "Quorum",
        DataType.Enum,
        "How votes become a decision: All, Majority, FirstResponse, NOfM (with required), or Board (the CAB board's own policy; All when no board is named).",
        DefaultValue: JsonValue.Create("Board"),
        Options: ["Board", "All", "Majority", "FirstResponse", "NOfM"]);

    /// <summary>N for NOfM.</summary>
    public static readonly InputDescriptor Required = Inputs.Of(DataType.Int32, "required", "Approvals required", "For NOfM: how many approvals decide.");

    /// <summary>When assignees who have not answered are reminded by e-mail.</summary>
    public static readonly InputDescriptor Reminder = Inputs.String(
        "reminder",
        "Reminder",
        "When assignees who have not answered get an e-mail reminder: a share of the time to the due time (50%), a duration before it (PT4H), or none; the default is ChangeFlow:MailApproval:Reminder. Needs a due time.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.RequestApproval",
        Category,
        "Request approval",
        "Ask people (by user, role, group, CAB board or field) to approve the change and decide by quorum; the requestor never approves their own change.",
        ActivityKind.Blocking,
        [Title, Description, Assignees, Quorum, Required, Due, MinimumTime, CommentRequiredFor, Data, Kind, Reminder],
        [Decision, Votes, ResultData],
        [Approved, Rejected, TimedOut]);

    /// <inheritdoc />
    protected override string DefaultKind => TaskKind;

    /// <inheritdoc />
    protected override IReadOnlyList<string> DefaultCommentRequiredFor { get; } = [Rejected];

    /// <inheritdoc />
    protected override IReadOnlyList<string> TaskOutcomes(ActivityExecutionContext context) => [Approved, Rejected];

    /// <inheritdoc />
    protected override bool ExcludesRequestor(ActivityExecutionContext context) => true;

    /// <inheritdoc />
    protected override async ValueTask PrepareAsync(ActivityExecutionContext context, ChangeRecord record, IReadOnlyList<string> specs, IReadOnlyList<ResolvedAssignee> assignees)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(record);
        var name = context.GetString(Quorum) ?? "Board";
        var required = context.Evaluate(Required) is { } n ? n.GetValue<int>() : (int?)null;
        QuorumPolicy? policy;
        if (string.Equals(name, "Board", StringComparison.OrdinalIgnoreCase))
        {
            var boardSpec = specs.FirstOrDefault(s => s.Trim().StartsWith("board", StringComparison.OrdinalIgnoreCase));
            var boardId = boardSpec is null ? null : boardSpec.Contains(':', StringComparison.Ordinal) ? boardSpec[(boardSpec.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim() : record.CabBoardId;
            var board = string.IsNullOrEmpty(boardId) ? null : await Catalog(context).FindBoardAsync(boardId, context.CancellationToken);
            policy = board?.Quorum ?? QuorumPolicy.All;
        }
        else
        {
            policy = CatalogParser.ParseQuorumPolicy(name, required, out var error)
                ?? throw new WorkflowFaultException("InvalidQuorum", error!.Value.Message);
        }

        var problems = policy.Validate(assignees.Count);
        if (problems.Count > 0)
        {
            throw new WorkflowFaultException("InvalidQuorum", $"{policy} cannot decide among {assignees.Count} eligible approver(s): {problems[0].Message}");
        }

        context.State["policy"] = policy.ToString();
    }

    /// <summary>
    /// Queues, with this run, an approval request to every assignee (dossier summary, signed Approve / Reject links)
    /// and a reminder before the due time, when the host has approval e-mails (<see cref="ApprovalMailer"/>). A
    /// template that fails does not stop the approval: the tasks are in the inboxes, and the timeline says the
    /// e-mails are missing and why.
    /// </summary>
    protected override async ValueTask OnTasksCreatedAsync(ActivityExecutionContext context, ChangeRecord record, IReadOnlyList<TaskRecord> tasks)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(tasks);
        if (OptionalService<ApprovalMailer>(context) is not { Enabled: true } mailer)
        {
            return;
        }

        var reminder = mailer.DefaultReminder;
        if (context.GetString(Reminder) is { Length: > 0 } text && !ReminderPolicy.TryParse(text, out reminder, out var error))
        {
            throw new WorkflowFaultException("InvalidReminder", error!);
        }

        IReadOnlyList<OutboundMessage> messages;
        try
        {
            messages = await mailer.ComposeAsync(record, tasks, reminder, context.Now, context.CancellationToken);
        }
        catch (TemplateException ex)
        {
            AddTimeline(context, record.Number, "approval.mail-failed", $"No approval e-mails were sent: template '{ex.Template}' failed: {ex.Message} The tasks are in the assignees' inboxes.");
            return;
        }

        var session = context.GetRequiredService<RunSession>();
        foreach (var message in messages)
        {
            session.Add(new OutboxWrite(message, context.Now));
        }

        var requests = messages.Where(m => m.Kind == ApprovalMailer.RequestTemplate).ToList();
        var reminders = messages.Where(m => m.Kind == ApprovalMailer.ReminderTemplate).ToList();
        if (requests.Count > 0)
        {
            AddTimeline(
                context,
                record.Number,
                "approval.mailed",
                $"Approval e-mails with Approve / Reject links queued for {string.Join(", ", requests.SelectMany(m => m.To).Select(r => r.Address))}{(reminders.Count > 0 ? $"; reminders from {Local(record, reminders.Min(m => m.NotBefore!.Value))} to whoever has not answered" : string.Empty)}.",
                new JsonObject { ["requests"] = requests.Count, ["reminders"] = reminders.Count });
        }
    }

    /// <inheritdoc />
    protected override string? Decide(ActivityExecutionContext context, IReadOnlyList<TaskVote> votes, int eligible)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(votes);
        var policy = ReadPolicy(context.State["policy"]!.GetValue<string>());
        var cast = votes.Select(v => new CabVote(v.TaskId, v.Outcome == Approved ? VoteDecision.Approve : VoteDecision.Reject, v.At, v.Comment)).ToList();
        return policy.Decide(cast, eligible) switch
        {
            QuorumDecision.Approved => Approved,
            QuorumDecision.Rejected => Rejected,
            _ => null,
        };
    }

    private static QuorumPolicy ReadPolicy(string text)
    {
        if (text.StartsWith("NOfM(", StringComparison.Ordinal))
        {
            return QuorumPolicy.NOfM(int.Parse(text[5..^1], System.Globalization.CultureInfo.InvariantCulture));
        }

        return CatalogParser.ParseQuorumPolicy(text, null, out _) ?? QuorumPolicy.All;
    }
}
