using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Changes;

/// <summary>
/// When a change may be carried out: the half-open interval <c>[Start, End)</c> of UTC instants, plus the IANA zone
/// its people think in (the seed's window is "Saturday 22:00 → Sunday 06:00 (WAT)", i.e. <c>Africa/Lagos</c>).
/// The zone never changes which instants are inside; it only decides how the window is shown and how local rules
/// (blackouts, CAB meetings, "Thursday") are applied to it.
/// </summary>
/// <remarks>
/// A window must end after it starts (an empty window is rejected too) and name a known zone. The constructor
/// accepts anything so that a draft dossier can hold what was typed and <see cref="ChangeRequestValidator"/> can
/// report every problem at once (<c>window.end</c>, <c>window.timeZoneId</c>); code that needs a guaranteed-valid
/// window uses <see cref="Create"/> or <see cref="FromLocal"/>, which reject bad input as results.
/// Operations that need a valid window (<see cref="Interval"/>, <see cref="Calendar"/>) throw on an invalid one,
/// because calling them unvalidated is a bug.
/// </remarks>
public sealed record ChangeWindow
{
    /// <summary>Holds a window as given; see the remarks on the type for when to validate.</summary>
    public ChangeWindow(DateTimeOffset start, DateTimeOffset end, string timeZoneId)
    {
        Start = start;
        End = end;
        TimeZoneId = timeZoneId;
    }

    /// <summary>The first instant of the window (UTC).</summary>
    public DateTimeOffset Start { get; init => field = value.ToUniversalTime(); }

    /// <summary>The first instant after the window (UTC); work must be finished before it.</summary>
    public DateTimeOffset End { get; init => field = value.ToUniversalTime(); }

    /// <summary>The IANA zone the window is planned and shown in, e.g. <c>Africa/Lagos</c>.</summary>
    public string TimeZoneId { get; init; }

    /// <summary>Whether the window ends after it starts and names a known zone.</summary>
    public bool IsValid => Validate().Count == 0;

    /// <summary>The instants of the window.</summary>
    /// <exception cref="InvalidOperationException">The window ends before it starts.</exception>
    public TimeInterval Interval => End > Start
        ? new TimeInterval(Start, End)
        : throw new InvalidOperationException($"The window {Start:O} → {End:O} is invalid; validate it first.");

    /// <summary>The window's zone.</summary>
    /// <exception cref="InvalidOperationException">The zone id is unknown.</exception>
    public ZoneCalendar Calendar
    {
        get
        {
            var found = ZoneCalendar.Find(TimeZoneId);
            return found.IsSuccess ? found.Value : throw new InvalidOperationException(found.Errors[0].Message);
        }
    }

    /// <summary>The local start, with the zone's offset at that instant (e.g. <c>2026-05-23 22:00 +01:00</c>).</summary>
    public DateTimeOffset LocalStart => Calendar.ToLocal(Start);

    /// <summary>The local end, with the zone's offset at that instant.</summary>
    public DateTimeOffset LocalEnd => Calendar.ToLocal(End);

    /// <summary>How long the window lasts.</summary>
    public TimeSpan Duration => End - Start;

    /// <summary>Creates a valid window from instants, or says what is wrong (<c>end</c>, <c>timeZoneId</c>).</summary>
    public static Result<ChangeWindow> Create(DateTimeOffset start, DateTimeOffset end, string timeZoneId)
    {
        var window = new ChangeWindow(start, end, timeZoneId);
        var errors = window.Validate();
        return errors.Count == 0 ? Result.Success(window) : Result.Failure<ChangeWindow>(errors);
    }

    /// <summary>
    /// Creates a valid window from wall-clock times in <paramref name="timeZoneId"/>, the way people state windows
    /// ("Saturday 22:00 → Sunday 06:00 WAT"). Daylight-saving gaps and overlaps resolve as in
    /// <see cref="ZoneCalendar.ToInstant"/>.
    /// </summary>
    public static Result<ChangeWindow> FromLocal(DateTime localStart, DateTime localEnd, string timeZoneId)
    {
        var zone = ZoneCalendar.Find(timeZoneId);
        if (!zone.IsSuccess)
        {
            return Result.Failure<ChangeWindow>(zone.Errors);
        }

        var calendar = zone.Value;
        return Create(
            calendar.ToInstant(DateOnly.FromDateTime(localStart), TimeOnly.FromDateTime(localStart)),
            calendar.ToInstant(DateOnly.FromDateTime(localEnd), TimeOnly.FromDateTime(localEnd)),
            timeZoneId);
    }

    /// <summary>Every problem with the window, with paths relative to it (<c>end</c>, <c>timeZoneId</c>).</summary>
    public IReadOnlyList<DomainError> Validate(string path = "")
    {
        var errors = new ErrorList();
        if (End <= Start)
        {
            errors.Add(
                ErrorList.Member(path, "end"),
                ErrorCodes.OutOfRange,
                End == Start ? "The window is empty: it must end after it starts." : "The window ends before it starts.");
        }

        var zone = ZoneCalendar.Find(TimeZoneId, ErrorList.Member(path, "timeZoneId"));
        errors.AddRange(zone.Errors);
        return errors.ToList();
    }

    /// <summary>Whether <paramref name="instant"/> is inside <c>[Start, End)</c>.</summary>
    public bool Contains(DateTimeOffset instant) => Start <= instant && instant < End;

    /// <summary>Whether the two windows share an instant; touching windows do not, and an invalid window overlaps nothing.</summary>
    public bool Overlaps(ChangeWindow other) =>
        End > Start && other.End > other.Start && Start < other.End && other.Start < End;

    /// <summary>
    /// Shows the window in its zone, e.g. <c>Sat 2026-05-23 22:00 → Sun 2026-05-24 06:00 Africa/Lagos (UTC+01:00)</c>;
    /// both offsets are shown when a daylight-saving change falls inside the window.
    /// </summary>
    public string ToLocalString()
    {
        var calendar = Calendar;
        var startOffset = calendar.FormatOffset(Start);
        var endOffset = calendar.FormatOffset(End);
        return startOffset == endOffset
            ? $"{calendar.Format(Start)} → {calendar.Format(End)} {calendar.Id} ({startOffset})"
            : $"{calendar.Format(Start)} ({startOffset}) → {calendar.Format(End)} ({endOffset}) {calendar.Id}";
    }

    /// <inheritdoc />
    public override string ToString() => $"[{Start:yyyy-MM-dd'T'HH:mm'Z'}, {End:yyyy-MM-dd'T'HH:mm'Z'}) {TimeZoneId}";
}
