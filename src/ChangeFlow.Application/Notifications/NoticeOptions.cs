using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Application.Notifications;

/// <summary>How notices are composed (section <c>ChangeFlow:Notifications</c>; the base URL is <c>ChangeFlow:PublicBaseUrl</c>).</summary>
public sealed class NoticeOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Notifications";

    /// <summary>Where people open ChangeFlow, e.g. <c>https://changes.example.org/</c>; notices link to changes under it.</summary>
    /// <value>The default is null: notices carry no links.</value>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>The culture of recipients who have none (day and month names, template language).</summary>
    /// <value>The default is <c>en-GB</c>.</value>
    [Required]
    public string DefaultCulture { get; set; } = NoticeCultures.Default;

    /// <summary>The zone of recipients who have none; when null, the change window's zone (the site's).</summary>
    /// <value>The default is null.</value>
    public string? DefaultTimeZoneId { get; set; }

    /// <summary>
    /// When a plan row that names only a day ("Thursday 2026-05-21") goes out: this local time of that day in the
    /// window's zone, the start of the working day.
    /// </summary>
    /// <value>The default is 09:00.</value>
    public TimeOnly DayRowSendTime { get; set; } = new(9, 0);

    /// <summary>The domain of calendar UIDs (<c>rfc-2026-014-window@&lt;domain&gt;</c>); the base URL's host when null.</summary>
    /// <value>The default is null, then <c>changeflow.local</c> without a base URL.</value>
    public string? CalendarDomain { get; set; }

    /// <summary>The ORGANIZER of calendar invites when the change has no change manager with an e-mail.</summary>
    /// <value>The default is <c>changes@</c> the calendar domain.</value>
    public string? OrganizerEmail { get; set; }

    /// <summary>The directory of files plan rows attach (a quick reference card); <c>&lt;DataDirectory&gt;/attachments</c> in the service.</summary>
    /// <value>The default is null: rows attach nothing.</value>
    public string? AttachmentsDirectory { get; set; }

    /// <summary>The directory of template overrides; <c>&lt;DataDirectory&gt;/templates</c> in the service.</summary>
    /// <value>The default is null: built-in templates only.</value>
    public string? TemplatesDirectory { get; set; }

    /// <summary>The domain calendar UIDs use.</summary>
    public string UidDomain => !string.IsNullOrWhiteSpace(CalendarDomain) ? CalendarDomain.Trim()
        : PublicBaseUrl is { IsAbsoluteUri: true } url && !string.IsNullOrEmpty(url.Host) ? url.Host
        : OutboxIds.MessageIdDomain;

    /// <summary>The organizer address of invites when no change manager has one.</summary>
    public string Organizer => string.IsNullOrWhiteSpace(OrganizerEmail) ? "changes@" + UidDomain : OrganizerEmail.Trim();
}
