using System.Globalization;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Time;

/// <summary>
/// When a support team works: working hours per weekday and holidays, in one named IANA zone (e.g. Africa/Lagos,
/// WAT). SLA targets that count business time measure and add time through this type only, so weekends, holidays,
/// lunch breaks and daylight-saving jumps are handled in one place.
/// </summary>
/// <remarks>
/// Business time is the total length of the instants that fall in working hours. <see cref="Add"/> and
/// <see cref="BusinessTimeBetween"/> are exact inverses: <c>BusinessTimeBetween(a, Add(a, d)) == d</c>. A target that
/// ends exactly at closing time is due at closing time, not at the next opening.
/// </remarks>
public sealed class BusinessCalendar
{
    /// <summary>How many days <see cref="Add"/> looks ahead before it decides the calendar has no working time left.</summary>
    private const int MaxDaysWithoutWork = 400;

    private readonly IReadOnlyDictionary<DayOfWeek, IReadOnlyList<WorkingHours>> _week;

    private BusinessCalendar(string id, string name, ZoneCalendar zone, IReadOnlyDictionary<DayOfWeek, IReadOnlyList<WorkingHours>> week, IReadOnlyList<Holiday> holidays, TimeSpan businessDayLength)
    {
        Id = id;
        Name = name;
        Zone = zone;
        _week = week;
        Holidays = holidays;
        BusinessDayLength = businessDayLength;
    }

    /// <summary>The calendar's id, e.g. <c>wat-office</c>.</summary>
    public string Id { get; }

    /// <summary>What people call it.</summary>
    public string Name { get; }

    /// <summary>The zone its hours are written in.</summary>
    public ZoneCalendar Zone { get; }

    /// <summary>The holidays.</summary>
    public IReadOnlyList<Holiday> Holidays { get; }

    /// <summary>How much business time "one business day" is (e.g. 9 h for 08:00–17:00).</summary>
    public TimeSpan BusinessDayLength { get; }

    /// <summary>A calendar that is always working (24x7) in UTC: what a target counted round the clock uses.</summary>
    public static BusinessCalendar AlwaysOpen { get; } = Create(
        "24x7",
        "Round the clock",
        "Etc/UTC",
        Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => (IReadOnlyList<WorkingHours>)[new WorkingHours(TimeOnly.MinValue, null)]),
        [],
        TimeSpan.FromDays(1)).Value;

    /// <summary>
    /// Checks and creates a calendar. Errors name the field: <c>timeZoneId</c>, <c>week.monday[1].end</c>,
    /// <c>holidays[2].date</c>, <c>businessDayLength</c>.
    /// </summary>
    /// <param name="id">The id.</param>
    /// <param name="name">The name.</param>
    /// <param name="timeZoneId">The IANA zone.</param>
    /// <param name="week">Working hours per weekday, in order within a day; a day without entries has none.</param>
    /// <param name="holidays">Whole days off.</param>
    /// <param name="businessDayLength">How long one business day is; by default the longest working day.</param>
    public static Result<BusinessCalendar> Create(
        string id,
        string name,
        string timeZoneId,
        IReadOnlyDictionary<DayOfWeek, IReadOnlyList<WorkingHours>> week,
        IReadOnlyList<Holiday> holidays,
        TimeSpan? businessDayLength = null)
    {
        ArgumentNullException.ThrowIfNull(week);
        ArgumentNullException.ThrowIfNull(holidays);
        var errors = new ErrorList();
        errors.RequireText("id", id, "An id");
        errors.RequireText("name", name, "A name");
        var zone = ZoneCalendar.Find(timeZoneId);
        errors.AddRange(zone.Errors);

        var days = new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>>();
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            var hours = week.TryGetValue(day, out var given) ? given : [];
            var path = ErrorList.Member("week", DayName(day));
            for (var i = 0; i < hours.Count; i++)
            {
                var h = hours[i];
                if (h.End is { } end && end <= h.Start)
                {
                    errors.Add(ErrorList.Member(ErrorList.Index(path, i), "end"), ErrorCodes.OutOfOrder, $"Working hours must end after they start ({h}).");
                }
                else if (i > 0 && (hours[i - 1].End is not { } previousEnd || previousEnd > h.Start))
                {
                    errors.Add(ErrorList.Member(ErrorList.Index(path, i), "start"), ErrorCodes.OutOfOrder, $"Working hours of a day must be in order and must not overlap ({hours[i - 1]} then {h}).");
                }
            }

            days[day] = [.. hours];
        }

        var longest = days.Values.Select(h => h.Aggregate(TimeSpan.Zero, (sum, x) => sum + x.Length)).Max();
        if (longest <= TimeSpan.Zero)
        {
            errors.Add("week", ErrorCodes.Required, "At least one weekday needs working hours.");
        }

        var seen = new HashSet<(DateOnly, bool)>();
        for (var i = 0; i < holidays.Count; i++)
        {
            var path = ErrorList.Index("holidays", i);
            if (holidays[i] is not { } holiday)
            {
                errors.Add(path, ErrorCodes.Required, "A holiday is required.");
                continue;
            }

            errors.RequireText(ErrorList.Member(path, "name"), holiday.Name, "The holiday's name");
            var key = holiday.EveryYear ? (new DateOnly(2000, holiday.Date.Month, holiday.Date.Day), true) : (holiday.Date, false);
            if (!seen.Add(key))
            {
                errors.Add(ErrorList.Member(path, "date"), ErrorCodes.Duplicate, $"{holiday.Date:yyyy-MM-dd} is listed twice.");
            }
        }

        var dayLength = businessDayLength ?? longest;
        if (businessDayLength is { } length && (length <= TimeSpan.Zero || length > TimeSpan.FromDays(1)))
        {
            errors.Add("businessDayLength", ErrorCodes.OutOfRange, "A business day lasts more than nothing and at most 24 hours.");
        }

        return errors.Count > 0
            ? Result.Failure<BusinessCalendar>(errors.ToList())
            : Result.Success(new BusinessCalendar(id, name, zone.Value, days, [.. holidays], dayLength));
    }

    /// <summary>The lower-case English name documents use for a weekday (<c>monday</c>).</summary>
    public static string DayName(DayOfWeek day) => day.ToString().ToLowerInvariant();

    /// <summary>The working hours of a weekday (none on a day off).</summary>
    public IReadOnlyList<WorkingHours> HoursOn(DayOfWeek day) => _week.TryGetValue(day, out var hours) ? hours : [];

    /// <summary>The holiday on <paramref name="date"/>, or null.</summary>
    public Holiday? HolidayOn(DateOnly date) => Holidays.FirstOrDefault(h => h.FallsOn(date));

    /// <summary>Whether <paramref name="date"/> has working hours (a weekday with hours that is no holiday).</summary>
    public bool IsBusinessDay(DateOnly date) => HoursOn(date.DayOfWeek).Count > 0 && HolidayOn(date) is null;

    /// <summary>The working intervals of a local date, as instants, in order; none on days off and holidays.</summary>
    public IEnumerable<TimeInterval> WorkingIntervals(DateOnly date)
    {
        if (HolidayOn(date) is not null)
        {
            yield break;
        }

        foreach (var hours in HoursOn(date.DayOfWeek))
        {
            var start = Zone.ToInstant(date, hours.Start);
            var end = hours.End is { } e ? Zone.ToInstant(date, e) : Zone.StartOfDay(date.AddDays(1));
            if (end > start)
            {
                yield return new TimeInterval(start, end);
            }
        }
    }

    /// <summary>Whether <paramref name="instant"/> falls in working hours.</summary>
    public bool IsWorkingTime(DateTimeOffset instant)
    {
        var date = Zone.DateOf(instant);
        return WorkingIntervals(date).Concat(WorkingIntervals(date.AddDays(-1))).Any(i => i.Contains(instant));
    }

    /// <summary>
    /// The instant at which <paramref name="businessTime"/> of working time has passed since <paramref name="start"/>.
    /// Zero returns <paramref name="start"/> itself.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="businessTime"/> is negative.</exception>
    public DateTimeOffset Add(DateTimeOffset start, TimeSpan businessTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(businessTime, TimeSpan.Zero);
        start = start.ToUniversalTime();
        if (businessTime == TimeSpan.Zero)
        {
            return start;
        }

        var left = businessTime;
        var date = Zone.DateOf(start).AddDays(-1);
        var idle = 0;
        while (true)
        {
            var worked = false;
            foreach (var interval in WorkingIntervals(date))
            {
                if (interval.End <= start)
                {
                    continue;
                }

                worked = true;
                var from = interval.Start > start ? interval.Start : start;
                var available = interval.End - from;
                if (available >= left)
                {
                    return from + left;
                }

                left -= available;
            }

            idle = worked ? 0 : idle + 1;
            if (idle > MaxDaysWithoutWork)
            {
                throw new InvalidOperationException($"The calendar '{Id}' has no working time in the {MaxDaysWithoutWork} days after {Zone.Format(start)}.");
            }

            date = date.AddDays(1);
        }
    }

    /// <summary>How much working time lies in <c>[from, to)</c>; zero when <paramref name="to"/> is not after <paramref name="from"/>.</summary>
    public TimeSpan BusinessTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return TimeSpan.Zero;
        }

        var span = new TimeInterval(from, to);
        var total = TimeSpan.Zero;
        for (var date = Zone.DateOf(from).AddDays(-1); date <= Zone.DateOf(to); date = date.AddDays(1))
        {
            foreach (var interval in WorkingIntervals(date))
            {
                if (interval.Intersect(span) is { } shared)
                {
                    total += shared.Duration;
                }
            }
        }

        return total;
    }

    /// <summary>The first business day after the local date of <paramref name="instant"/>.</summary>
    public DateOnly NextBusinessDay(DateTimeOffset instant)
    {
        var date = Zone.DateOf(instant).AddDays(1);
        for (var i = 0; i <= MaxDaysWithoutWork; i++, date = date.AddDays(1))
        {
            if (IsBusinessDay(date))
            {
                return date;
            }
        }

        throw new InvalidOperationException($"The calendar '{Id}' has no business day in the {MaxDaysWithoutWork} days after {Zone.Format(instant)}.");
    }

    /// <summary>Close of business on the first business day after the local date of <paramref name="instant"/> ("by the next business day").</summary>
    public DateTimeOffset EndOfNextBusinessDay(DateTimeOffset instant) => WorkingIntervals(NextBusinessDay(instant)).Last().End;

    /// <summary>Renders an instant in the calendar's zone, e.g. <c>Mon 2026-05-04 10:00 Africa/Lagos</c>.</summary>
    public string Format(DateTimeOffset instant) => $"{Zone.Format(instant)} {Zone.Id}";

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id} ({Zone.Id})");
}
