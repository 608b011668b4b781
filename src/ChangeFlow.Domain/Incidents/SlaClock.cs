using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// One SLA clock of an incident (response or resolution): when it started, the time its target allows
/// (<see cref="Budget"/>), the time used so far, whether it is running, and which fractions of the budget were
/// reached. Time is counted in the calendar the target names (business hours of the service, or 24x7); a pause
/// stops counting without losing what was used; a new target (the priority changed) keeps the time used and
/// recomputes only the budget. Reassigning an incident does not touch its clocks.
/// </summary>
/// <remarks>
/// Immutable: every operation returns the next state. The time used is <see cref="UsedBefore"/> plus, while running,
/// the time counted since <see cref="RunningSince"/>; instants are UTC.
/// </remarks>
public sealed record SlaClock
{
    /// <summary>Two fractions closer than this are the same threshold.</summary>
    public const double FractionTolerance = 1e-9;

    /// <summary>Which target the clock measures.</summary>
    public required SlaClockKind Kind { get; init; }

    /// <summary>When the clock started (the incident was identified).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The target the clock runs against.</summary>
    public required SlaTarget Target { get; init; }

    /// <summary>The priority the target belongs to.</summary>
    public required Priority Priority { get; init; }

    /// <summary>The time the target allows, in the clock's calendar.</summary>
    public required TimeSpan Budget { get; init; }

    /// <summary>Time used before the current running stretch.</summary>
    public TimeSpan UsedBefore { get; init; }

    /// <summary>When the current running stretch began; null while paused or stopped.</summary>
    public DateTimeOffset? RunningSince { get; init; }

    /// <summary>When the clock stopped for good; null until then.</summary>
    public DateTimeOffset? StoppedAt { get; init; }

    /// <summary>The fractions of the budget reached so far, in the order reached.</summary>
    public IReadOnlyList<SlaMark> Marks { get; init; } = [];

    /// <summary>Whether the clock is counting.</summary>
    public SlaClockStatus Status => StoppedAt is not null ? SlaClockStatus.Stopped : RunningSince is not null ? SlaClockStatus.Running : SlaClockStatus.Paused;

    /// <summary>Whether the whole budget was used (the target was missed).</summary>
    public bool IsBreached => HasReached(1.0);

    /// <summary>Starts a clock at <paramref name="at"/> against <paramref name="target"/>.</summary>
    public static SlaClock Start(SlaClockKind kind, DateTimeOffset at, SlaTarget target, Priority priority, BusinessCalendar serviceCalendar)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(serviceCalendar);
        var utc = at.ToUniversalTime();
        return new SlaClock
        {
            Kind = kind,
            StartedAt = utc,
            Target = target,
            Priority = priority,
            Budget = target.Budget(target.CalendarFor(serviceCalendar), utc),
            RunningSince = utc,
        };
    }

    /// <summary>The time used by <paramref name="now"/>.</summary>
    public TimeSpan Used(DateTimeOffset now, BusinessCalendar serviceCalendar) =>
        UsedBefore + (RunningSince is { } since ? Target.CalendarFor(serviceCalendar).BusinessTimeBetween(since, now) : TimeSpan.Zero);

    /// <summary>The time left by <paramref name="now"/> (negative once breached).</summary>
    public TimeSpan Remaining(DateTimeOffset now, BusinessCalendar serviceCalendar) => Budget - Used(now, serviceCalendar);

    /// <summary>The time the budget allows up to <paramref name="fraction"/> of it.</summary>
    public TimeSpan Allowed(double fraction) => TimeSpan.FromTicks((long)Math.Round(Budget.Ticks * fraction, MidpointRounding.AwayFromZero));

    /// <summary>
    /// When the used time reaches <paramref name="fraction"/> of the budget if the clock keeps running: null while
    /// it is paused or stopped; <see cref="RunningSince"/> when already reached in an earlier stretch.
    /// </summary>
    public DateTimeOffset? DueAt(double fraction, BusinessCalendar serviceCalendar)
    {
        if (RunningSince is not { } since || StoppedAt is not null)
        {
            return null;
        }

        var left = Allowed(fraction) - UsedBefore;
        return left <= TimeSpan.Zero ? since : Target.CalendarFor(serviceCalendar).Add(since, left);
    }

    /// <summary>Whether <paramref name="fraction"/> of the budget was used by <paramref name="now"/>.</summary>
    public bool IsDue(double fraction, DateTimeOffset now, BusinessCalendar serviceCalendar) => Used(now, serviceCalendar) >= Allowed(fraction);

    /// <summary>Whether the mark for <paramref name="fraction"/> is recorded.</summary>
    public bool HasReached(double fraction) => Marks.Any(m => Math.Abs(m.Fraction - fraction) < FractionTolerance);

    /// <summary>The mark of <paramref name="fraction"/>, or null.</summary>
    public SlaMark? MarkOf(double fraction) => Marks.FirstOrDefault(m => Math.Abs(m.Fraction - fraction) < FractionTolerance);

    /// <summary>Records that <paramref name="fraction"/> was reached at <paramref name="at"/> (once: a second call changes nothing).</summary>
    public SlaClock Mark(double fraction, DateTimeOffset at) =>
        HasReached(fraction) ? this : this with { Marks = [.. Marks, new SlaMark(fraction, at.ToUniversalTime())] };

    /// <summary>Stops counting for now, keeping the time used.</summary>
    public SlaClock Pause(DateTimeOffset now, BusinessCalendar serviceCalendar) =>
        RunningSince is null ? this : this with { UsedBefore = Used(now, serviceCalendar), RunningSince = null };

    /// <summary>Counts again from <paramref name="now"/> (a stopped clock stays stopped).</summary>
    public SlaClock Resume(DateTimeOffset now) =>
        RunningSince is not null || StoppedAt is not null ? this : this with { RunningSince = now.ToUniversalTime() };

    /// <summary>Stops the clock for good.</summary>
    public SlaClock Stop(DateTimeOffset now, BusinessCalendar serviceCalendar) =>
        StoppedAt is not null ? this : Pause(now, serviceCalendar) with { StoppedAt = now.ToUniversalTime() };

    /// <summary>
    /// Runs the clock against another target (the priority or the service changed) from <paramref name="now"/>: the
    /// time used and the marks reached stay, the budget is recomputed from the clock's start. A running stretch is
    /// counted up to now in the old target's hours, so switching between business hours and 24x7 never recounts it.
    /// </summary>
    public SlaClock Retarget(SlaTarget target, Priority priority, BusinessCalendar serviceCalendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(target);
        var folded = Status == SlaClockStatus.Running ? Pause(now, serviceCalendar).Resume(now) : this;
        return folded with { Target = target, Priority = priority, Budget = target.Budget(target.CalendarFor(serviceCalendar), StartedAt) };
    }
}
