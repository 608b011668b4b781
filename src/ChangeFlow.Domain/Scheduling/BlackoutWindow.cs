using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Scheduling;

/// <summary>
/// A time when changes must not run: a one-off interval (year-end closing) or a weekly local-time slot (the seed's
/// "Monday 07:30 lab opening", Monday 07:30–09:00 <c>Africa/Lagos</c>). A blackout may be limited to some services;
/// with none listed it applies to every change.
/// </summary>
/// <param name="Name">What people call it.</param>
/// <param name="ServiceIds">The services it protects; empty means all.</param>
public abstract record BlackoutWindow(string Name, IReadOnlyList<string> ServiceIds)
{
    /// <summary>A blackout over <paramref name="interval"/>.</summary>
    public static BlackoutWindow OneOff(string name, TimeInterval interval, IReadOnlyList<string>? serviceIds = null) =>
        new Once(name, interval, serviceIds ?? []);

    /// <summary>A blackout every <paramref name="day"/> from <paramref name="localStart"/> for <paramref name="duration"/>, in <paramref name="timeZoneId"/>.</summary>
    public static BlackoutWindow Weekly(string name, DayOfWeek day, TimeOnly localStart, TimeSpan duration, string timeZoneId, IReadOnlyList<string>? serviceIds = null) =>
        new EveryWeek(name, day, localStart, duration, timeZoneId, serviceIds ?? []);

    /// <summary>Whether the blackout protects a change touching <paramref name="serviceIds"/>.</summary>
    public bool AppliesTo(IEnumerable<string> serviceIds) =>
        ServiceIds.Count == 0 || serviceIds.Any(ServiceIds.Contains);

    /// <summary>The parts of the blackout's occurrences that overlap <paramref name="interval"/>, in order; touching is not overlapping.</summary>
    public abstract IEnumerable<TimeInterval> OverlapsWith(TimeInterval interval);

    /// <summary>Problems with the blackout, paths relative to it.</summary>
    public virtual IReadOnlyList<DomainError> Validate()
    {
        var errors = new ErrorList();
        errors.RequireText("name", Name, "A name");
        errors.RequireTextItems("serviceIds", ServiceIds, "A service id", unique: true);
        return errors.ToList();
    }

    /// <summary>A one-off blackout.</summary>
    /// <param name="Name">What people call it.</param>
    /// <param name="Interval">When it holds.</param>
    /// <param name="ServiceIds">The services it protects; empty means all.</param>
    public sealed record Once(string Name, TimeInterval Interval, IReadOnlyList<string> ServiceIds) : BlackoutWindow(Name, ServiceIds)
    {
        /// <inheritdoc />
        public override IEnumerable<TimeInterval> OverlapsWith(TimeInterval interval) =>
            Interval.Intersect(interval) is { } overlap ? [overlap] : [];

        /// <inheritdoc />
        public override IReadOnlyList<DomainError> Validate()
        {
            var errors = new ErrorList();
            errors.AddRange(base.Validate());
            if (Interval.IsEmpty)
            {
                errors.Add("interval", ErrorCodes.OutOfRange, "The blackout is empty.");
            }

            return errors.ToList();
        }
    }

    /// <summary>A weekly blackout in local time.</summary>
    /// <param name="Name">What people call it.</param>
    /// <param name="Day">The weekday it starts on.</param>
    /// <param name="LocalStart">The local time it starts at.</param>
    /// <param name="Duration">How long it lasts; may run past midnight.</param>
    /// <param name="TimeZoneId">The IANA zone of <paramref name="LocalStart"/>.</param>
    /// <param name="ServiceIds">The services it protects; empty means all.</param>
    public sealed record EveryWeek(string Name, DayOfWeek Day, TimeOnly LocalStart, TimeSpan Duration, string TimeZoneId, IReadOnlyList<string> ServiceIds)
        : BlackoutWindow(Name, ServiceIds)
    {
        /// <inheritdoc />
        public override IEnumerable<TimeInterval> OverlapsWith(TimeInterval interval)
        {
            var calendar = ZoneCalendar.ForId(TimeZoneId);

            // Start far enough back that an occurrence beginning before the interval but still running is seen.
            var date = calendar.DateOf(interval.Start).AddDays(-1 - (int)Math.Ceiling(Duration.TotalDays));
            date = date.AddDays(((int)Day - (int)date.DayOfWeek + 7) % 7);
            for (; calendar.StartOfDay(date) < interval.End; date = date.AddDays(7))
            {
                var start = calendar.ToInstant(date, LocalStart);
                if (new TimeInterval(start, start + Duration).Intersect(interval) is { } overlap)
                {
                    yield return overlap;
                }
            }
        }

        /// <inheritdoc />
        public override IReadOnlyList<DomainError> Validate()
        {
            var errors = new ErrorList();
            errors.AddRange(base.Validate());
            errors.RequireDefined("day", Day, "The weekday");
            errors.AddRange(ZoneCalendar.Find(TimeZoneId).Errors);
            if (Duration <= TimeSpan.Zero || Duration >= TimeSpan.FromDays(7))
            {
                errors.Add("duration", ErrorCodes.OutOfRange, "A weekly blackout lasts more than nothing and less than a week.");
            }

            return errors.ToList();
        }
    }
}
