using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Approvals;

/// <summary>
/// Writes the approval e-mails of new approval tasks: one <c>approval-request</c> per assignee, with the dossier
/// summary and signed Approve / Reject links, and an <c>approval-reminder</c> scheduled before the due time. The
/// caller queues them in its run (<see cref="OutboxWrite"/>); they carry the task's correlation key, so closing or
/// reassigning the task withdraws what has not gone out yet.
/// </summary>
public sealed class ApprovalMailer
{
    /// <summary>The request template's name.</summary>
    public const string RequestTemplate = "approval-request";

    /// <summary>The reminder template's name.</summary>
    public const string ReminderTemplate = "approval-reminder";

    private readonly ApprovalLinks _links;
    private readonly IUserDirectory _users;
    private readonly IPublicUrls _urls;
    private readonly ChangeCatalog _catalog;
    private readonly IOptions<MailApprovalOptions> _options;
    private readonly IMessageTemplates? _templates;

    /// <summary>Creates the mailer; without <paramref name="templates"/> it writes nothing (<see cref="Enabled"/> is false).</summary>
    public ApprovalMailer(ApprovalLinks links, IUserDirectory users, IPublicUrls urls, ChangeCatalog catalog, IOptions<MailApprovalOptions> options, IMessageTemplates? templates = null)
    {
        _links = links;
        _users = users;
        _urls = urls;
        _catalog = catalog;
        _options = options;
        _templates = templates;
    }

    /// <summary>Whether approval e-mails are written: enabled in the options, and a template engine is there.</summary>
    public bool Enabled => _options.Value.Enabled && _templates is not null;

    /// <summary>The configured reminder rule (<see cref="MailApprovalOptions.Reminder"/>).</summary>
    public ReminderPolicy DefaultReminder =>
        ReminderPolicy.TryParse(_options.Value.Reminder, out var policy, out _) ? policy : ReminderPolicy.None;

    /// <summary>
    /// The request, and the reminder when <paramref name="reminder"/> gives an instant, for each task's assignee
    /// (an assignee the directory no longer knows gets none). A template that fails throws <see cref="TemplateException"/>.
    /// </summary>
    public async Task<IReadOnlyList<OutboundMessage>> ComposeAsync(ChangeRecord record, IReadOnlyList<HumanTask> tasks, ReminderPolicy reminder, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(reminder);
        var messages = new List<OutboundMessage>();
        if (!Enabled)
        {
            return messages;
        }

        var summary = ChangeSummary.From(record, _catalog.RiskScale);
        foreach (var task in tasks)
        {
            var user = await _users.FindAsync(task.AssigneeUserId, cancellationToken);
            if (user is not { IsActive: true } || string.IsNullOrWhiteSpace(user.Email))
            {
                continue;
            }

            messages.Add(await ComposeAsync(RequestTemplate, record, summary, task, user, now, now, null, cancellationToken));
            if (reminder.ReminderAt(task.CreatedAt, task.DueAt) is { } remindAt && remindAt > now)
            {
                messages.Add(await ComposeAsync(ReminderTemplate, record, summary, task, user, now, remindAt, remindAt, cancellationToken));
            }
        }

        return messages;
    }

    private async Task<OutboundMessage> ComposeAsync(
        string template,
        ChangeRecord record,
        ChangeSummary summary,
        HumanTask task,
        UserInfo user,
        DateTimeOffset queuedAt,
        DateTimeOffset sendAt,
        DateTimeOffset? notBefore,
        CancellationToken cancellationToken)
    {
        // A reminder's links are issued for when it goes out, so its lifetime counts from its delivery.
        var approve = await _links.IssueAsync(task, ApprovalAction.Approve, user.Id, sendAt, cancellationToken);
        var reject = await _links.IssueAsync(task, ApprovalAction.Reject, user.Id, sendAt, cancellationToken);
        var change = summary.ToModel();
        change["url"] = _urls.Change(record.Number).AbsoluteUri;
        var model = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["recipient"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["id"] = user.Id, ["name"] = user.DisplayName, ["email"] = user.Email },
            ["change"] = change,
            ["task"] = ChangeSummary.TaskModel(task, record),
            ["links"] = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["approve"] = approve.Url.AbsoluteUri,
                ["reject"] = reject.Url.AbsoluteUri,
                ["change"] = change["url"],
                ["expires"] = ChangeSummary.Local(record, approve.Claims.ExpiresAt),
            },
        };
        var rendered = await _templates!.RenderAsync(template, model, cancellationToken);
        return new OutboundMessage
        {
            Id = Guid.CreateVersion7(queuedAt).ToString("N"),
            IdempotencyKey = $"{template}:{task.Id}:{user.Id}",
            To = [new MailRecipient(user.Email, user.DisplayName)],
            Subject = rendered.Subject,
            HtmlBody = rendered.HtmlBody,
            TextBody = rendered.TextBody,
            Headers = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["X-ChangeFlow-Change"] = record.Number,
                ["X-ChangeFlow-Task"] = task.Id,
                // RFC 3834: out-of-office replies are not sent to automatic messages.
                ["Auto-Submitted"] = "auto-generated",
            },
            NotBefore = notBefore,
            CorrelationKey = TaskCorrelation.For(task.Id),
            Kind = template,
            InstanceId = task.InstanceId,
            ActivityId = task.ActivityId,
        };
    }
}
