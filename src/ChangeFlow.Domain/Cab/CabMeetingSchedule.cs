using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Cab;

/// <summary>
/// When a CAB meets: every week on one weekday at one local time in a named zone (e.g. Wednesdays 10:00
/// <c>Africa/Lagos</c>), minus cancelled dates. Stated in local time because that is how the meeting is agreed; the
/// instants follow the zone's daylight-saving rules through <see cref="ZoneCalendar"/>.
/// </summary>
public sealed record CabMeetingSchedule
{
    /// <summary>Creates a schedule; use <see cref="Validate"/> for schedules read from input.</summary>
    public CabMeetingSchedule(DayOfWeek day, TimeOnly localTime, string timeZoneId, TimeSpan duration, IReadOnlyCollection<DateOnly>? cancelledDates = null)
    {
        Day = day;
        LocalTime = localTime;
        TimeZoneId = timeZoneId;
        Duration = duration;
        CancelledDates = cancelledDates ?? [];
    }

    /// <summary>The weekday.</summary>
    public DayOfWeek Day { get; init; }

    /// <summary>The local start time.</summary>
    public TimeOnly LocalTime { get; init; }

    /// <summary>The IANA zone of <see cref="LocalTime"/>.</summary>
    public string TimeZoneId { get; init; }

    /// <summary>How long a meeting lasts.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Local dates on which the meeting does not take place (holidays, the chair away).</summary>
    public IReadOnlyCollection<DateOnly> CancelledDates { get; init; }

    /// <summary>Problems with the schedule, paths relative to it.</summary>
    public IReadOnlyList<DomainError> Validate(string path = "")
    {
        var errors = new ErrorList();
        errors.RequireDefined(ErrorList.Member(path, "day"), Day, "The weekday");
        errors.AddRange(ZoneCalendar.Find(TimeZoneId, ErrorList.Member(path, "timeZoneId")).Errors);
        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromDays(1))
        {
            errors.Add(ErrorList.Member(path, "duration"), ErrorCodes.OutOfRange, "A meeting lasts more than nothing and less than a day.");
        }

        return errors.ToList();
    }

    /// <summary>The start instants (UTC) of meetings in <c>[from, to)</c>, in order, skipping cancelled dates.</summary>
    public IEnumerable<DateTimeOffset> StartsBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var calendar = ZoneCalendar.ForId(TimeZoneId);
        var cancelled = CancelledDates.ToHashSet();
        var date = calendar.DateOf(from);
        date = date.AddDays(((int)Day - (int)date.DayOfWeek + 7) % 7);
        for (; calendar.StartOfDay(date) < to; date = date.AddDays(7))
        {
            var start = calendar.ToInstant(date, LocalTime);
            if (start >= to)
            {
                yield break;
            }

            if (start >= from && !cancelled.Contains(date))
            {
                yield return start;
            }
        }
    }
}
