using System.Text;
using ChangeFlow.Application.Calendar;
using ChangeFlow.Application.Changes;

namespace ChangeFlow.Application.Notifications;

/// <summary>What a calendar invite of a notice is about.</summary>
public enum NoticeInvite
{
    /// <summary>No invite.</summary>
    None,
    /// <summary>The change window: the services are down; attendees are told, not asked to attend (their time stays free).</summary>
    Window,
    /// <summary>The post-implementation review: a meeting attendees are asked to attend.</summary>
    Pir,
}

/// <summary>
/// The iCalendar invites notices carry (RFC 5545/5546). Each recipient gets a copy naming only themself as attendee
/// (a list of 65 addresses in every copy would leak them). The UID is stable per change and purpose,
/// <c>rfc-2026-014-window@&lt;domain&gt;</c> and <c>rfc-2026-014-pir@&lt;domain&gt;</c>, and the SEQUENCE grows with each
/// revision (<see cref="NoticeState"/>), so a moved window updates the entry recipients have and a cancellation
/// (METHOD:CANCEL, same UID) removes it. DTSTAMP is when the notice was composed, from the injected clock.
/// </summary>
public static class NoticeInvites
{
    /// <summary>The file name of an attached invite.</summary>
    public const string FileName = "invite.ics";

    /// <summary>The stable UID of <paramref name="number"/>'s <paramref name="purpose"/> entry.</summary>
    public static string Uid(string number, NoticeInvite purpose, NoticeOptions options)
    {
        ArgumentNullException.ThrowIfNull(number);
        ArgumentNullException.ThrowIfNull(options);
        return purpose == NoticeInvite.Pir ? ChangeEventUids.Review(number, options.UidDomain) : ChangeEventUids.Window(number, options.UidDomain);
    }

    /// <summary>
    /// The invite of <paramref name="purpose"/> for <paramref name="recipient"/>, as an attachment with content type
    /// <c>text/calendar; method=REQUEST</c> (or CANCEL); null when the change has no such event (no window, no review).
    /// </summary>
    public static MailAttachment? Create(
        ChangeRecord record,
        NoticeInvite purpose,
        CalendarMethod method,
        int sequence,
        NoticeRecipient recipient,
        NoticeFacts facts,
        NoticeOptions options,
        DateTimeOffset stamp,
        string? description = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(options);
        var change = record.Change;
        var services = string.Join(", ", (change.Impact?.ServiceIds ?? []).Select(id => facts.ServiceNames.GetValueOrDefault(id, id)));
        var url = NoticeModel.LinkTo(facts.PublicBaseUrl, record.Number) is { } link ? new Uri(link) : null;
        var organizer = facts.ChangeManager is { Email: { } email } manager
            ? new CalendarPerson(email, manager.Name)
            : new CalendarPerson(options.Organizer, "ChangeFlow");
        CalendarEvent? calendarEvent = purpose switch
        {
            NoticeInvite.Window when change.Window is { IsValid: true } window => new CalendarEvent
            {
                Uid = Uid(record.Number, purpose, options),
                Start = window.Start,
                End = window.End,
                Summary = $"{(services.Length > 0 ? services + " unavailable" : "Maintenance")}: {change.Title} ({record.Number})",
                Description = description,
                Location = services.Length > 0 ? services : null,
                Url = url,
                Sequence = sequence,
                Categories = ["Maintenance", change.Type.ToString()],
                Organizer = organizer,
                Attendees = [new CalendarPerson(recipient.Address, recipient.Name)],
                Busy = false,
                AttendeesParticipate = false,
                ResponseRequested = false,
                LastModified = stamp,
            },
            NoticeInvite.Pir when change.PostImplementationReview is { } pir && pir.ScheduledAt != default && pir.Duration > TimeSpan.Zero => new CalendarEvent
            {
                Uid = Uid(record.Number, purpose, options),
                Start = pir.ScheduledAt,
                End = pir.ScheduledAt + pir.Duration,
                Summary = $"Post-implementation review: {change.Title} ({record.Number})",
                Description = description ?? string.Join("\n", pir.AgendaItems.Select((item, i) => $"{i + 1}. {item}")),
                Url = url,
                Sequence = sequence,
                Categories = ["Post-implementation review"],
                Organizer = organizer,
                Attendees = [new CalendarPerson(recipient.Address, recipient.Name)],
                LastModified = stamp,
            },
            _ => null,
        };
        if (calendarEvent is null)
        {
            return null;
        }

        var text = ICalendarWriter.Write([calendarEvent], method, stamp);
        return new MailAttachment(FileName, ICalendarWriter.ContentTypeFor(method), Encoding.UTF8.GetBytes(text));
    }
}
