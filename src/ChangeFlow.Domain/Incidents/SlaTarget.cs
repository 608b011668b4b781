using System.Globalization;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// A response or resolution target of a service as its catalogue states it: "4h", "1 business day", "next business
/// day", "4h RTO" (round the clock). A clock turns it into a budget of (business or wall-clock) time with
/// <see cref="Budget"/>.
/// </summary>
/// <param name="Kind">How the target is written.</param>
/// <param name="Duration">For <see cref="SlaTargetKind.Within"/>: how long.</param>
/// <param name="Days">For <see cref="SlaTargetKind.BusinessDays"/>: how many.</param>
/// <param name="Hours">Which time counts; business-day targets always count business hours.</param>
/// <param name="Label">How the catalogue words it, e.g. "4h RTO"; a description is made up when absent.</param>
public sealed record SlaTarget(SlaTargetKind Kind, TimeSpan? Duration = null, int? Days = null, SlaHours Hours = SlaHours.Business, string? Label = null)
{
    /// <summary>A duration target.</summary>
    public static SlaTarget Within(TimeSpan duration, SlaHours hours = SlaHours.Business, string? label = null) => new(SlaTargetKind.Within, duration, null, hours, label);

    /// <summary>A target of <paramref name="days"/> business days.</summary>
    public static SlaTarget BusinessDays(int days, string? label = null) => new(SlaTargetKind.BusinessDays, null, days, SlaHours.Business, label);

    /// <summary>"By the next business day".</summary>
    public static SlaTarget NextBusinessDay(string? label = null) => new(SlaTargetKind.NextBusinessDay, null, null, SlaHours.Business, label);

    /// <summary>Checks the target; errors are relative to it (<c>within</c>, <c>businessDays</c>, <c>hours</c>).</summary>
    public IReadOnlyList<DomainError> Validate()
    {
        var errors = new ErrorList();
        switch (Kind)
        {
            case SlaTargetKind.Within when Duration is not { } d || d <= TimeSpan.Zero:
                errors.Add("within", ErrorCodes.OutOfRange, "The target must be a positive duration.");
                break;
            case SlaTargetKind.BusinessDays when Days is not (>= 1 and <= 366):
                errors.Add("businessDays", ErrorCodes.OutOfRange, "The target must be between 1 and 366 business days.");
                break;
            case SlaTargetKind.Within or SlaTargetKind.BusinessDays or SlaTargetKind.NextBusinessDay:
                break;
            default:
                errors.Add(string.Empty, ErrorCodes.Invalid, "Give one of within, businessDays or nextBusinessDay.");
                break;
        }

        if (Kind != SlaTargetKind.Within && Hours != SlaHours.Business)
        {
            errors.Add("hours", ErrorCodes.NotAllowed, "Business-day targets count business hours.");
        }

        errors.RequireDefined("hours", Hours, "The hours");
        return errors.ToList();
    }

    /// <summary>
    /// The time the target allows, counted in the calendar the clock measures with (<see cref="CalendarFor"/>), for a
    /// clock that started at <paramref name="clockStart"/>. A next-business-day target allows the business time
    /// from the start until close of business on the next business day.
    /// </summary>
    public TimeSpan Budget(BusinessCalendar calendar, DateTimeOffset clockStart)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        return Kind switch
        {
            SlaTargetKind.Within => Duration!.Value,
            SlaTargetKind.BusinessDays => calendar.BusinessDayLength * Days!.Value,
            _ => calendar.BusinessTimeBetween(clockStart, calendar.EndOfNextBusinessDay(clockStart)),
        };
    }

    /// <summary>The calendar a clock with this target measures in: the service's, or round the clock.</summary>
    public BusinessCalendar CalendarFor(BusinessCalendar serviceCalendar) => Hours == SlaHours.Always ? BusinessCalendar.AlwaysOpen : serviceCalendar;

    /// <summary>How people read the target: its label, or e.g. "4h (business hours)", "1 business day", "30m (24x7)".</summary>
    public string Describe() => Label ?? Kind switch
    {
        SlaTargetKind.Within => $"{Short(Duration!.Value)} ({(Hours == SlaHours.Always ? "24x7" : "business hours")})",
        SlaTargetKind.BusinessDays => Days == 1 ? "1 business day" : $"{Days} business days",
        _ => "next business day",
    };

    private static string Short(TimeSpan span) =>
        span.TotalHours >= 1 && span.Ticks % TimeSpan.TicksPerHour == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalHours}h")
        : span.Ticks % TimeSpan.TicksPerMinute == 0 ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMinutes}m")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###}s");
}
