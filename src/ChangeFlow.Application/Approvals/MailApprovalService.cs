using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Approvals;

/// <summary>What a link page has to say.</summary>
public enum LinkOutcome
{
    /// <summary>The link can be used: show the confirmation.</summary>
    Ready,

    /// <summary>The decision was recorded by this request.</summary>
    Recorded,

    /// <summary>The decision was handed to the workflow, which has not applied it yet (it will retry).</summary>
    Pending,

    /// <summary>A rejection without a comment, or a comment that is too long: show the form again.</summary>
    CommentInvalid,

    /// <summary>Not a link ChangeFlow issued (changed, truncated, or not for this action).</summary>
    Invalid,

    /// <summary>A genuine link past its expiry.</summary>
    Expired,

    /// <summary>The link was already used.</summary>
    Used,

    /// <summary>The task is no longer open (decided by this person another way, by the quorum, timed out or cancelled).</summary>
    Decided,

    /// <summary>The task now belongs to someone else.</summary>
    NotYours,

    /// <summary>The recipient requested the change and may not decide on it.</summary>
    SelfApproval,

    /// <summary>The recipient is deactivated (or no longer known).</summary>
    Inactive,

    /// <summary>The task no longer exists.</summary>
    NotFound,

    /// <summary>Approve by e-mail is switched off.</summary>
    Disabled,
}

/// <summary>What a link page shows: the outcome, a sentence for people, and what is known about the task.</summary>
/// <param name="Outcome">The outcome.</param>
/// <param name="Message">One or two sentences for the recipient.</param>
/// <param name="Claims">The link's claims, when its signature checked.</param>
/// <param name="Task">The task, when the link is genuine and the task exists.</param>
/// <param name="Change">The change's summary, when known.</param>
/// <param name="User">The recipient, when known.</param>
/// <param name="Redemption">The earlier use, for <see cref="LinkOutcome.Used"/>.</param>
public sealed record LinkPage(
    LinkOutcome Outcome,
    string Message,
    ApprovalLinkClaims? Claims = null,
    HumanTask? Task = null,
    ChangeSummary? Change = null,
    UserInfo? User = null,
    MailLinkRedemption? Redemption = null);

/// <summary>
/// Approve by e-mail, the use case behind the link pages. <see cref="OpenAsync"/> only reads (a link opened by a
/// mail scanner's prefetch changes nothing); <see cref="DecideAsync"/> completes the task as the link's recipient
/// through <see cref="TaskService"/>, the path the API takes, so the same rules hold: only the assignee, never the
/// requestor, only an open task, a comment for a rejection, the quorum decided by the activity. The completion's run
/// records the link's use in its own transaction; the request whose attempt id that record carries is the one that
/// succeeded, so two clicks, two tabs or two nodes get one success and one "already used".
/// </summary>
public sealed class MailApprovalService
{
    /// <summary>The longest comment accepted, in characters.</summary>
    public const int MaxCommentLength = 4000;

    private readonly ApprovalLinks _links;
    private readonly IMailLinkRedemptionStore _redemptions;
    private readonly IHumanTaskStore _tasks;
    private readonly IUserDirectory _users;
    private readonly IChangeStore _changes;
    private readonly ChangeCatalog _catalog;
    private readonly TaskService _taskService;
    private readonly IOptions<MailApprovalOptions> _options;

    /// <summary>Creates the service.</summary>
    public MailApprovalService(
        ApprovalLinks links,
        IMailLinkRedemptionStore redemptions,
        IHumanTaskStore tasks,
        IUserDirectory users,
        IChangeStore changes,
        ChangeCatalog catalog,
        TaskService taskService,
        IOptions<MailApprovalOptions> options)
    {
        _links = links;
        _redemptions = redemptions;
        _tasks = tasks;
        _users = users;
        _changes = changes;
        _catalog = catalog;
        _taskService = taskService;
        _options = options;
    }

    /// <summary>Checks a link and gathers what its confirmation page shows. Changes nothing.</summary>
    public async Task<LinkPage> OpenAsync(string? token, CancellationToken cancellationToken)
    {
        if (!_options.Value.Enabled)
        {
            return new LinkPage(LinkOutcome.Disabled, "Approving by e-mail is switched off here. Open your task inbox in ChangeFlow to decide.");
        }

        var check = await _links.CheckAsync(token, cancellationToken);
        if (check.Status == LinkCheckStatus.Invalid)
        {
            return new LinkPage(LinkOutcome.Invalid, "This link is not valid: it may have been changed or cut short when it was copied. Use the link in the e-mail as it is, or open your task inbox in ChangeFlow.");
        }

        var claims = check.Claims!;
        var task = await _tasks.FindAsync(claims.TaskId, cancellationToken);
        var change = task is null ? null : await SummaryAsync(task, cancellationToken);
        if (check.Status == LinkCheckStatus.Expired)
        {
            return new LinkPage(LinkOutcome.Expired, $"This link expired{(change is null ? string.Empty : $" ({change.Number})")}. Links stop working at the task's due time or after a while; open your task inbox in ChangeFlow if the decision is still yours to make.", claims, task, change);
        }

        var redemption = await _redemptions.FindAsync(claims.TokenId, cancellationToken);
        if (redemption is not null)
        {
            return new LinkPage(LinkOutcome.Used, $"This link was already used: it recorded your decision to {redemption.Action.Verb()} on {redemption.RedeemedAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC. Each link works once.", claims, task, change, Redemption: redemption);
        }

        if (task is null)
        {
            return new LinkPage(LinkOutcome.NotFound, "The task this link was for no longer exists.", claims);
        }

        var user = await _users.FindAsync(claims.UserId, cancellationToken);
        if (user is not { IsActive: true } || user.Id != claims.UserId)
        {
            return new LinkPage(LinkOutcome.Inactive, "The account this link was sent to is deactivated, so it cannot decide.", claims, task, change);
        }

        switch (TaskDeciders.Check(task, user.Id))
        {
            case DeciderCheck.Excluded:
                return new LinkPage(LinkOutcome.SelfApproval, $"You created or requested {task.SubjectId}, so you may not decide on it.", claims, task, change, user);
            case DeciderCheck.NotAssignee:
                return new LinkPage(LinkOutcome.NotYours, "This decision was handed to someone else, so this link no longer works.", claims, task, change, user);
        }

        if (task.Status != HumanTaskStatus.Open)
        {
            return new LinkPage(LinkOutcome.Decided, Closed(task, user), claims, task, change, user);
        }

        if (!task.Outcomes.Contains(claims.Action.Outcome(), StringComparer.Ordinal))
        {
            return new LinkPage(LinkOutcome.Invalid, $"This task cannot be {claims.Action.Outcome().ToLowerInvariant()} from a link.", claims, task, change, user);
        }

        return new LinkPage(LinkOutcome.Ready, claims.Action == ApprovalAction.Approve
            ? $"Approve {task.SubjectId} as {user.DisplayName}? Nothing is recorded until you press the button."
            : $"Reject {task.SubjectId} as {user.DisplayName}? Say why; nothing is recorded until you press the button.", claims, task, change, user);
    }

    /// <summary>
    /// Uses a link: checks it as <see cref="OpenAsync"/> does, then completes the task as its recipient with the
    /// link's outcome and <paramref name="comment"/> (required to reject).
    /// </summary>
    public async Task<LinkPage> DecideAsync(string? token, string? comment, CancellationToken cancellationToken)
    {
        var page = await OpenAsync(token, cancellationToken);
        if (page.Outcome != LinkOutcome.Ready)
        {
            return page;
        }

        var (claims, task, user) = (page.Claims!, page.Task!, page.User!);
        var text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (text is null && task.CommentRequiredFor.Contains(claims.Action.Outcome(), StringComparer.Ordinal))
        {
            return page with { Outcome = LinkOutcome.CommentInvalid, Message = "Please say why you reject the change: the comment is required." };
        }

        if (text?.Length > MaxCommentLength)
        {
            return page with { Outcome = LinkOutcome.CommentInvalid, Message = $"The comment is too long: {text.Length} characters, at most {MaxCommentLength}." };
        }

        var attemptId = Guid.NewGuid().ToString("N");
        var result = await _taskService.CompleteAsync(
            task.Id,
            claims.Action.Outcome(),
            text,
            null,
            user.Id,
            user.Roles,
            new MailLinkUse(claims.TokenId, attemptId, claims.Action).ToJson(),
            cancellationToken);
        switch (result.Status)
        {
            case CommandStatus.Ok:
                var redemption = await _redemptions.FindAsync(claims.TokenId, cancellationToken);
                var now = result.Value ?? task;
                if (redemption?.AttemptId == attemptId)
                {
                    return page with
                    {
                        Outcome = LinkOutcome.Recorded,
                        Task = now,
                        Message = claims.Action == ApprovalAction.Approve
                            ? $"Thank you: your approval of {task.SubjectId} is recorded."
                            : $"Thank you: your rejection of {task.SubjectId} is recorded, with your comment.",
                    };
                }

                return redemption is not null
                    ? page with { Outcome = LinkOutcome.Used, Redemption = redemption, Message = "This link was already used a moment ago (a second click or a second tab); your decision was recorded once." }
                    : now.Status == HumanTaskStatus.Open
                        ? page with { Outcome = LinkOutcome.Pending, Task = now, Message = $"Your decision on {task.SubjectId} was received and is being applied; your task inbox will show it shortly." }
                        : page with { Outcome = LinkOutcome.Decided, Task = now, Message = Closed(now, user) };
            case CommandStatus.Forbidden:
                return result.Errors.Any(e => e.Code == ErrorCodes.SelfApproval)
                    ? page with { Outcome = LinkOutcome.SelfApproval, Message = $"You requested {task.SubjectId}, so you may not decide on it." }
                    : page with { Outcome = LinkOutcome.NotYours, Message = "This decision was handed to someone else, so this link no longer works." };
            case CommandStatus.Conflict:
                // A second click or tab loses to the first use of the same link: say so, rather than "decided".
                if (await _redemptions.FindAsync(claims.TokenId, cancellationToken) is { } used)
                {
                    return page with { Outcome = LinkOutcome.Used, Redemption = used, Message = "This link was already used a moment ago (a second click or a second tab); your decision was recorded once." };
                }

                var current = await _tasks.FindAsync(task.Id, cancellationToken) ?? task;
                return page with { Outcome = LinkOutcome.Decided, Task = current, Message = Closed(current, user) };
            case CommandStatus.NotFound:
                return page with { Outcome = LinkOutcome.NotFound, Message = "The task this link was for no longer exists." };
            default:
                return result.Errors.Any(e => e.Path == "comment")
                    ? page with { Outcome = LinkOutcome.CommentInvalid, Message = result.Message }
                    : page with { Outcome = LinkOutcome.Invalid, Message = result.Message };
        }
    }

    private async Task<ChangeSummary?> SummaryAsync(HumanTask task, CancellationToken cancellationToken)
    {
        if (task.SubjectKind != "change" || !ChangeNumber.TryParse(task.SubjectId, out var number))
        {
            return null;
        }

        var record = await _changes.FindAsync(number, cancellationToken);
        return record is null ? null : ChangeSummary.From(record, _catalog.RiskScale);
    }

    private static string Closed(HumanTask task, UserInfo user) => task.Status switch
    {
        HumanTaskStatus.Completed when task.CompletedBy == user.Id => $"You already decided on {task.SubjectId}: {task.Outcome}. Nothing was changed.",
        HumanTaskStatus.Completed => $"This decision on {task.SubjectId} was already made ({task.Outcome}). Nothing was changed.",
        HumanTaskStatus.Canceled => $"This decision on {task.SubjectId} is no longer needed: it was reached without your vote, or the change was cancelled. Nothing was changed.",
        HumanTaskStatus.Expired => $"The time to decide on {task.SubjectId} is over: the task expired at its due time. Nothing was changed.",
        _ => $"The task on {task.SubjectId} is {task.Status}. Nothing was changed.",
    };
}
