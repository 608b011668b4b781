using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents;

/// <summary>One threshold of a clock: when it falls due, or when it was reached.</summary>
/// <param name="Fraction">The fraction of the budget.</param>
/// <param name="Kind"><c>warning</c>, <c>breach</c> or <c>escalation-trigger</c>.</param>
/// <param name="DueAt">When it falls due if the clock keeps running (null while paused or once reached).</param>
/// <param name="ReachedAt">When it was reached.</param>
public sealed record SlaThresholdView(double Fraction, string Kind, DateTimeOffset? DueAt, DateTimeOffset? ReachedAt);

/// <summary>A clock as people read it.</summary>
/// <param name="Clock">Response or resolution.</param>
/// <param name="Priority">The priority its target belongs to.</param>
/// <param name="Target">The target as the catalogue words it.</param>
/// <param name="Hours">Business hours or 24x7.</param>
/// <param name="CalendarId">The calendar business time is counted in.</param>
/// <param name="Status">Running, Paused or Stopped.</param>
/// <param name="StartedAt">When it started.</param>
/// <param name="Budget">The time the target allows.</param>
/// <param name="Used">The time used so far.</param>
/// <param name="Remaining">The time left (negative once breached).</param>
/// <param name="DueAt">When the target is missed if the clock keeps running.</param>
/// <param name="Breached">Whether the target was missed.</param>
/// <param name="Met">Whether the clock stopped within its target.</param>
/// <param name="Thresholds">Warnings, the breach and escalation triggers.</param>
public sealed record SlaClockView(
    SlaClockKind Clock,
    Priority Priority,
    string Target,
    SlaHours Hours,
    string CalendarId,
    SlaClockStatus Status,
    DateTimeOffset StartedAt,
    TimeSpan Budget,
    TimeSpan Used,
    TimeSpan Remaining,
    DateTimeOffset? DueAt,
    bool Breached,
    bool Met,
    IReadOnlyList<SlaThresholdView> Thresholds);

/// <summary>Builds the SLA state the API shows.</summary>
public static class IncidentSlaView
{
    /// <summary>The clocks of <paramref name="incident"/> at <paramref name="now"/>.</summary>
    public static IReadOnlyList<SlaClockView> Describe(Incident incident, IncidentConfiguration config, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(config);
        var calendar = config.PlanOf(incident).Calendar;
        var policy = config.PolicyOf(incident.ServiceId);
        return [.. incident.Clocks.Select(clock =>
        {
            var thresholds = config.WatchedFractions(clock.Kind, policy).Select(f => new SlaThresholdView(
                f,
                Math.Abs(f - 1) < SlaClock.FractionTolerance ? "breach" : config.Settings.WarningFractions.Any(w => Math.Abs(w - f) < SlaClock.FractionTolerance) ? "warning" : "escalation-trigger",
                clock.HasReached(f) ? null : clock.DueAt(f, calendar),
                clock.MarkOf(f)?.At)).ToList();
            return new SlaClockView(
                clock.Kind,
                clock.Priority,
                clock.Target.Describe(),
                clock.Target.Hours,
                clock.Target.CalendarFor(calendar).Id,
                clock.Status,
                clock.StartedAt,
                clock.Budget,
                clock.Used(now, calendar),
                clock.Remaining(now, calendar),
                clock.DueAt(1, calendar),
                clock.IsBreached,
                clock.Status == SlaClockStatus.Stopped && !clock.IsBreached && clock.Used(now, calendar) <= clock.Budget,
                thresholds);
        })];
    }
}
