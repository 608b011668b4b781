using System.Globalization;
using System.Text;

namespace ChangeFlow.Application.Calendar;

/// <summary>
/// Writes iCalendar (RFC 5545) text: CRLF line ends, lines folded at 75 octets without splitting a UTF-8 character,
/// text values escaped, every instant in UTC so that no VTIMEZONE block is needed and every client agrees on it.
/// </summary>
/// <remarks>
/// Invitations (RFC 5546 iTIP) use <see cref="CalendarMethod.Request"/> and <see cref="CalendarMethod.Cancel"/>: they
/// need an ORGANIZER, and the same UID with a higher SEQUENCE for every revision, so a client updates or removes the
/// entry it has instead of adding one. Times are written in UTC rather than with TZID and a VTIMEZONE: a change window
/// is a pair of instants, a client shows them in its user's own zone either way, and a hand-written VTIMEZONE whose
/// daylight-saving rules drift from the client's database is a classic source of entries an hour off.
/// </remarks>
public static class ICalendarWriter
{
    /// <summary>The media type of the result.</summary>
    public const string MediaType = "text/calendar";

    /// <summary>The content type of an attached invitation, e.g. <c>text/calendar; method=REQUEST; charset=utf-8</c> (RFC 6047).</summary>
    public static string ContentTypeFor(CalendarMethod method) =>
        $"{MediaType}; method={method.ToString().ToUpperInvariant()}; charset=utf-8";

    private const int MaxLineOctets = 75;

    /// <summary>Writes a calendar holding <paramref name="events"/>.</summary>
    /// <param name="events">The events, in the order to write them.</param>
    /// <param name="method">Publish for a feed, Request for invitations, Cancel to withdraw them.</param>
    /// <param name="stamp">The DTSTAMP: when this text was produced.</param>
    /// <param name="calendarName">The feed's name (X-WR-CALNAME), shown by most clients when subscribing.</param>
    public static string Write(IEnumerable<CalendarEvent> events, CalendarMethod method, DateTimeOffset stamp, string? calendarName = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var output = new StringBuilder();
        Line(output, "BEGIN:VCALENDAR");
        Line(output, "VERSION:2.0");
        Line(output, "PRODID:-//ChangeFlow//ChangeFlow//EN");
        Line(output, "CALSCALE:GREGORIAN");
        Line(output, "METHOD:" + method.ToString().ToUpperInvariant());
        if (!string.IsNullOrWhiteSpace(calendarName))
        {
            Line(output, "X-WR-CALNAME:" + EscapeText(calendarName));
        }

        foreach (var calendarEvent in events)
        {
            WriteEvent(output, calendarEvent, method, stamp);
        }

        Line(output, "END:VCALENDAR");
        return output.ToString();
    }

    /// <summary>Escapes a TEXT value: backslash, semicolon, comma and new lines.</summary>
    public static string EscapeText(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var escaped = new StringBuilder(value.Length + 8);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case ';': escaped.Append(@"\;"); break;
                case ',': escaped.Append(@"\,"); break;
                case '\r' when i + 1 < value.Length && value[i + 1] == '\n': break;
                case '\r' or '\n': escaped.Append(@"\n"); break;
                default:
                    // Other control characters are not allowed in iCalendar text.
                    if (!char.IsControl(c) || c == '\t')
                    {
                        escaped.Append(c);
                    }

                    break;
            }
        }

        return escaped.ToString();
    }

    /// <summary>Formats an instant as a UTC DATE-TIME, e.g. <c>20260509T210000Z</c>.</summary>
    public static string FormatUtc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static void WriteEvent(StringBuilder output, CalendarEvent e, CalendarMethod method, DateTimeOffset stamp)
    {
        if (e.End <= e.Start)
        {
            throw new ArgumentException($"Event '{e.Uid}' ends at or before it starts.", nameof(e));
        }

        if (method != CalendarMethod.Publish && e.Organizer is null)
        {
            throw new ArgumentException($"Event '{e.Uid}' is an invitation ({method}) and needs an organizer (RFC 5546).", nameof(e));
        }

        Line(output, "BEGIN:VEVENT");
        Line(output, "UID:" + EscapeText(e.Uid));
        Line(output, "DTSTAMP:" + FormatUtc(stamp));
        Line(output, "DTSTART:" + FormatUtc(e.Start));
        Line(output, "DTEND:" + FormatUtc(e.End));
        Line(output, "SEQUENCE:" + e.Sequence.ToString(CultureInfo.InvariantCulture));
        var status = method == CalendarMethod.Cancel ? CalendarEventStatus.Cancelled : e.Status;
        Line(output, "STATUS:" + status.ToString().ToUpperInvariant());
        Line(output, "SUMMARY:" + EscapeText(e.Summary));
        if (!string.IsNullOrEmpty(e.Description))
        {
            Line(output, "DESCRIPTION:" + EscapeText(e.Description));
        }

        if (!string.IsNullOrEmpty(e.Location))
        {
            Line(output, "LOCATION:" + EscapeText(e.Location));
        }

        if (e.Categories.Count > 0)
        {
            Line(output, "CATEGORIES:" + string.Join(',', e.Categories.Select(EscapeText)));
        }

        if (e.Url is not null)
        {
            Line(output, "URL:" + e.Url.AbsoluteUri);
        }

        if (e.LastModified is { } modified)
        {
            Line(output, "LAST-MODIFIED:" + FormatUtc(modified));
        }

        if (e.Organizer is { } organizer)
        {
            Line(output, "ORGANIZER" + NameParameter(organizer) + ":mailto:" + organizer.Email);
        }

        foreach (var attendee in e.Attendees)
        {
            var parameters = (e.AttendeesParticipate ? ";ROLE=REQ-PARTICIPANT" : ";ROLE=NON-PARTICIPANT") + ";PARTSTAT=NEEDS-ACTION"
                + (method == CalendarMethod.Request ? (e.ResponseRequested ? ";RSVP=TRUE" : ";RSVP=FALSE") : string.Empty);
            Line(output, "ATTENDEE" + NameParameter(attendee) + parameters + ":mailto:" + attendee.Email);
        }

        Line(output, e.Busy ? "TRANSP:OPAQUE" : "TRANSP:TRANSPARENT");
        Line(output, "END:VEVENT");
    }

    private static string NameParameter(CalendarPerson person) =>
        string.IsNullOrWhiteSpace(person.Name) ? string.Empty : ";CN=\"" + person.Name.Replace("\"", "'", StringComparison.Ordinal) + "\"";

    /// <summary>Appends one content line, folded: continuation lines start with a space and no line exceeds 75 octets.</summary>
    private static void Line(StringBuilder output, string content)
    {
        var octets = 0;
        var limit = MaxLineOctets;
        for (var i = 0; i < content.Length; i++)
        {
            var width = char.IsHighSurrogate(content[i]) && i + 1 < content.Length ? 4 : Encoding.UTF8.GetByteCount(content.AsSpan(i, 1));
            if (octets + width > limit)
            {
                output.Append("\r\n ");
                octets = 0;
                limit = MaxLineOctets - 1;
            }

            output.Append(content[i]);
            if (width == 4)
            {
                output.Append(content[++i]);
            }

            octets += width;
        }

        output.Append("\r\n");
    }
}
