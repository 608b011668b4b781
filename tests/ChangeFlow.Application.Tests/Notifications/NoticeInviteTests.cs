using System.Text;
using ChangeFlow.Application.Calendar;
using ChangeFlow.Application.Notifications;

namespace ChangeFlow.Application.Tests.Notifications;

/// <summary>The calendar entries notices carry, read back with Ical.Net as a mail client would.</summary>
public sealed class NoticeInviteTests
{
    private static readonly DateTimeOffset Stamp = new(2026, 5, 13, 11, 0, 0, TimeSpan.Zero);
    private static readonly NoticeOptions Options = new() { PublicBaseUrl = new Uri("https://changes.example.org/") };

    [Fact]
    public void WindowInvite_IsARequestForTheWindow_WithAStableUid_ThatInformsWithoutBlockingTime()
    {
        var attachment = NoticeInvites.Create(NoticeSamples.Record(), NoticeInvite.Window, CalendarMethod.Request, 0, NoticeSamples.Recipient, NoticeSamples.Facts(Options), Options, Stamp, "LIMS unavailable")!;

        Assert.Equal(("invite.ics", "text/calendar; method=REQUEST; charset=utf-8"), (attachment.FileName, attachment.ContentType));
        var text = Encoding.UTF8.GetString(attachment.Content);
        var calendar = Ical.Net.Calendar.Load(text)!;
        Assert.Equal("REQUEST", calendar.Method);
        var e = Assert.Single(calendar.Events);
        Assert.Equal("rfc-2026-014-window@changes.example.org", e.Uid);
        Assert.Equal(new DateTime(2026, 5, 23, 21, 0, 0, DateTimeKind.Utc), e.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2026, 5, 24, 5, 0, 0, DateTimeKind.Utc), e.DtEnd!.AsUtc);
        Assert.Equal(new DateTime(2026, 5, 13, 11, 0, 0, DateTimeKind.Utc), e.DtStamp!.AsUtc);
        Assert.Equal(0, e.Sequence);
        Assert.Equal("TRANSPARENT", e.Transparency);
        Assert.Equal("mailto:change.manager@example.org", e.Organizer!.Value!.ToString());
        var attendee = Assert.Single(e.Attendees);
        Assert.Equal("mailto:lab.technician@example.org", attendee.Value!.ToString());
        Assert.Equal("NON-PARTICIPANT", attendee.Role);
        Assert.False(attendee.Rsvp);
        Assert.Equal("Laboratory Information Management System (LIMS) unavailable: LIMS major version upgrade: v3.8 → v4.0 (RFC-2026-014)", e.Summary);
        Assert.Equal("https://changes.example.org/changes/RFC-2026-014", e.Url!.ToString());
    }

    [Fact]
    public void Cancel_KeepsTheUid_RaisesTheSequence_AndMarksTheEntryCancelled()
    {
        var attachment = NoticeInvites.Create(NoticeSamples.Record(), NoticeInvite.Window, CalendarMethod.Cancel, 3, NoticeSamples.Recipient, NoticeSamples.Facts(Options), Options, Stamp)!;

        Assert.Equal("text/calendar; method=CANCEL; charset=utf-8", attachment.ContentType);
        var calendar = Ical.Net.Calendar.Load(Encoding.UTF8.GetString(attachment.Content))!;
        Assert.Equal("CANCEL", calendar.Method);
        var e = Assert.Single(calendar.Events);
        Assert.Equal(("rfc-2026-014-window@changes.example.org", 3, "CANCELLED"), (e.Uid, e.Sequence, e.Status));
    }

    [Fact]
    public void PirInvite_IsAMeetingAttendeesAnswer_AtTheReviewsSlot()
    {
        var attachment = NoticeInvites.Create(NoticeSamples.Record(), NoticeInvite.Pir, CalendarMethod.Request, 1, NoticeSamples.Recipient, NoticeSamples.Facts(Options), Options, Stamp)!;

        var e = Assert.Single(Ical.Net.Calendar.Load(Encoding.UTF8.GetString(attachment.Content))!.Events);
        Assert.Equal("rfc-2026-014-pir@changes.example.org", e.Uid);
        Assert.Equal(new DateTime(2026, 5, 25, 9, 0, 0, DateTimeKind.Utc), e.DtStart!.AsUtc);
        Assert.Equal(new DateTime(2026, 5, 25, 9, 30, 0, DateTimeKind.Utc), e.DtEnd!.AsUtc);
        Assert.Equal("OPAQUE", e.Transparency);
        var attendee = Assert.Single(e.Attendees);
        Assert.Equal("REQ-PARTICIPANT", attendee.Role);
        Assert.True(attendee.Rsvp);
        Assert.StartsWith("1. Did deployment complete within window?", e.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Invite_WithoutAChangeManagerEmail_IsOrganizedByTheConfiguredAddress_AndAnInvitationWithoutOrganizerIsRefused()
    {
        var facts = NoticeSamples.Facts(Options) with { ChangeManager = null };

        var attachment = NoticeInvites.Create(NoticeSamples.Record(), NoticeInvite.Window, CalendarMethod.Request, 0, NoticeSamples.Recipient, facts, Options, Stamp)!;

        var e = Assert.Single(Ical.Net.Calendar.Load(Encoding.UTF8.GetString(attachment.Content))!.Events);
        Assert.Equal("mailto:changes@changes.example.org", e.Organizer!.Value!.ToString());
        var invitation = new CalendarEvent { Uid = "x@y", Start = Stamp, End = Stamp.AddHours(1), Summary = "No organizer" };
        Assert.Throws<ArgumentException>(() => ICalendarWriter.Write([invitation], CalendarMethod.Request, Stamp));
    }
}
