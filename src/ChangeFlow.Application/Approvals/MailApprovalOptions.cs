using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Application.Approvals;

/// <summary>Approve by e-mail: the links in approval requests and the reminders (section <c>ChangeFlow:MailApproval</c>).</summary>
public sealed class MailApprovalOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:MailApproval";

    /// <summary>
    /// Queue an <c>approval-request</c> e-mail with Approve / Reject links for every approval task, and an
    /// <c>approval-reminder</c> before its due time. Off: approvals are made in the task inbox only, and links
    /// already sent are refused.
    /// </summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The longest a link stays valid. A link expires at the earlier of its task's due time and this long after it was
    /// issued; a task without a due time gets links valid this long.
    /// </summary>
    /// <value>The default is 7 days.</value>
    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// When assignees who have not answered get a reminder: a share of the time between the request and the due time
    /// (<c>50%</c>), a duration before the due time (<c>04:00:00</c>, <c>PT4H</c>), or <c>none</c>. A
    /// <c>ChangeFlow.RequestApproval</c> activity's own <c>reminder</c> input wins. Tasks without a due time get none.
    /// </summary>
    /// <value>The default is <c>50%</c>.</value>
    [Required]
    public string Reminder { get; set; } = "50%";

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!ReminderPolicy.TryParse(Reminder, out _, out var error))
        {
            yield return new ValidationResult($"ChangeFlow:MailApproval:Reminder: {error}", [nameof(Reminder)]);
        }
    }
}
