using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Application.Approvals;

/// <summary>
/// Sends the new assignee of a reassigned approval task what the first assignee got: an approval request with links
/// of their own, and a reminder if one is still due (by the configured rule). The first assignee's links stop working
/// with the reassignment, and their unsent messages were withdrawn by the task store.
/// </summary>
public sealed class ApprovalReassignmentMailer : ITaskReassignmentListener
{
    private readonly ApprovalMailer _mailer;
    private readonly IChangeStore _changes;
    private readonly IOutbox _outbox;
    private readonly ITimelineStore _timeline;
    private readonly TimeProvider _time;

    /// <summary>Creates the listener.</summary>
    public ApprovalReassignmentMailer(ApprovalMailer mailer, IChangeStore changes, IOutbox outbox, ITimelineStore timeline, TimeProvider time)
    {
        _mailer = mailer;
        _changes = changes;
        _outbox = outbox;
        _timeline = timeline;
        _time = time;
    }

    /// <inheritdoc />
    public async Task ReassignedAsync(HumanTask task, string previousAssigneeId, string byUserId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!_mailer.Enabled || task.Status != HumanTaskStatus.Open || task.SubjectKind != "change"
            || !task.Outcomes.Contains(Changes.Activities.RequestApproval.Approved, StringComparer.Ordinal) || !task.Outcomes.Contains(Changes.Activities.RequestApproval.Rejected, StringComparer.Ordinal)
            || !ChangeNumber.TryParse(task.SubjectId, out var number) || await _changes.FindAsync(number, cancellationToken) is not { } record)
        {
            return;
        }

        var now = _time.GetUtcNow();
        IReadOnlyList<OutboundMessage> messages;
        try
        {
            messages = await _mailer.ComposeAsync(record, [task], _mailer.DefaultReminder, now, cancellationToken);
        }
        catch (TemplateException ex)
        {
            await AddAsync(record.Number, task, byUserId, "approval.mail-failed", $"No approval e-mail was sent to {task.AssigneeUserId}: template '{ex.Template}' failed: {ex.Message} The task is in their inbox.", now, cancellationToken);
            return;
        }

        foreach (var message in messages)
        {
            // A task handed back to an earlier assignee is a new assignment: the version keeps its messages apart.
            await _outbox.EnqueueAsync(message with { IdempotencyKey = $"{message.IdempotencyKey}:v{task.Version}" }, cancellationToken);
        }

        if (messages.Count > 0)
        {
            await AddAsync(record.Number, task, byUserId, "approval.mailed", $"Approval e-mail with Approve / Reject links queued for {string.Join(", ", messages.Where(m => m.Kind == ApprovalMailer.RequestTemplate).SelectMany(m => m.To).Select(r => r.Address))} after the reassignment; the links sent to {previousAssigneeId} no longer work.", now, cancellationToken);
        }
    }

    private Task AddAsync(string number, HumanTask task, string actor, string action, string summary, DateTimeOffset at, CancellationToken cancellationToken) =>
        _timeline.AddAsync(new TimelineEntry(TimelineIds.Next(at), number, at, actor, action, summary, task.InstanceId, task.ActivityId), cancellationToken);
}
