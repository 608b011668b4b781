namespace ChangeFlow.Application.Calendar;

/// <summary>What an iCalendar object asks of its reader (RFC 5546).</summary>
public enum CalendarMethod
{
    /// <summary>A published schedule (a feed people subscribe to).</summary>
    Publish,
    /// <summary>An invitation to attendees.</summary>
    Request,
    /// <summary>Withdraws an earlier invitation.</summary>
    Cancel,
}

/// <summary>The status of an event.</summary>
public enum CalendarEventStatus
{
    /// <summary>Planned but not final (e.g. a change awaiting authorization).</summary>
    Tentative,
    /// <summary>Going ahead.</summary>
    Confirmed,
    /// <summary>Called off.</summary>
    Cancelled,
}

/// <summary>A person in an event: the organizer or an attendee.</summary>
/// <param name="Email">The e-mail address (becomes a <c>mailto:</c> URI).</param>
/// <param name="Name">The display name, when known.</param>
public sealed record CalendarPerson(string Email, string? Name = null);

/// <summary>
/// One VEVENT. <see cref="Uid"/> must stay the same for the same real-world event, and <see cref="Sequence"/> must
/// grow with each revision, so calendar clients update (or cancel) the event they already have instead of adding one.
/// </summary>
public sealed record CalendarEvent
{
    /// <summary>A globally unique, stable id, e.g. <c>RFC-2026-014@changeflow</c>.</summary>
    public required string Uid { get; init; }

    /// <summary>The start (written in UTC).</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>The end (written in UTC); must be after the start.</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>The one-line title.</summary>
    public required string Summary { get; init; }

    /// <summary>Free text; new lines are kept.</summary>
    public string? Description { get; init; }

    /// <summary>Where, e.g. the affected system or a meeting room.</summary>
    public string? Location { get; init; }

    /// <summary>A link back to the record.</summary>
    public Uri? Url { get; init; }

    /// <summary>The status.</summary>
    public CalendarEventStatus Status { get; init; } = CalendarEventStatus.Confirmed;

    /// <summary>The revision number, starting at 0.</summary>
    public int Sequence { get; init; }

    /// <summary>Categories, e.g. the change type.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Who organizes it (required by invitations).</summary>
    public CalendarPerson? Organizer { get; init; }

    /// <summary>Who is invited.</summary>
    public IReadOnlyList<CalendarPerson> Attendees { get; init; } = [];

    /// <summary>When the event was last modified.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>
    /// Whether the event blocks its attendees' time (<c>TRANSP:OPAQUE</c>, a meeting) or only informs them
    /// (<c>TRANSP:TRANSPARENT</c>, a maintenance window they need not attend).
    /// </summary>
    /// <value>The default is true.</value>
    public bool Busy { get; init; } = true;

    /// <summary>Whether attendees are expected to take part (<c>ROLE=REQ-PARTICIPANT</c>) or are told for information (<c>ROLE=NON-PARTICIPANT</c>).</summary>
    /// <value>The default is true.</value>
    public bool AttendeesParticipate { get; init; } = true;

    /// <summary>Whether an invitation asks attendees to answer (<c>RSVP=TRUE</c>).</summary>
    /// <value>The default is true.</value>
    public bool ResponseRequested { get; init; } = true;
}
