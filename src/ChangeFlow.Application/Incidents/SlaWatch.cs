using ChangeFlow.Application.Incidents.Config;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents;

/// <summary>What the SLA watch found: a fraction of a clock's budget reached.</summary>
/// <param name="Clock">The clock.</param>
/// <param name="Fraction">The fraction of its budget.</param>
/// <param name="At">When it was reached (the crossing instant; now when that cannot be known, e.g. a smaller budget while paused).</param>
/// <param name="IsWarning">Whether it is a configured warning fraction.</param>
/// <param name="IsBreach">Whether it is the breach (the whole budget).</param>
public sealed record SlaThresholdReached(SlaClockKind Clock, double Fraction, DateTimeOffset At, bool IsWarning, bool IsBreach);

/// <summary>What the SLA watch found: an escalation level whose trigger came.</summary>
/// <param name="Level">The level.</param>
/// <param name="Entry">The entry applied to the incident.</param>
public sealed record SlaEscalationDue(EscalationLevel Level, EscalationEntry Entry);

/// <summary>The result of one look at an incident's clocks.</summary>
/// <param name="Incident">The incident with the marks and escalations applied.</param>
/// <param name="Thresholds">Fractions reached now, in order.</param>
/// <param name="Escalations">Escalations applied now, in order.</param>
/// <param name="NextDue">When to look again (a whole second, never early), or null when nothing more can fall due while nothing changes.</param>
public sealed record SlaEvaluation(Incident Incident, IReadOnlyList<SlaThresholdReached> Thresholds, IReadOnlyList<SlaEscalationDue> Escalations, DateTimeOffset? NextDue)
{
    /// <summary>Whether anything happened.</summary>
    public bool Changed => Thresholds.Count > 0 || Escalations.Count > 0;
}

/// <summary>
/// Watches an incident's SLA clocks: which warnings (default 50 % and 75 %), breaches and escalation triggers are due
/// at an instant, and when the next one falls due. Marks are recorded on the clock when reached, so each fires once
/// however often the incident is looked at; the workflow arms one timer at <see cref="SlaEvaluation.NextDue"/> and
/// looks again whenever the incident changes (a new priority, the end of a hold).
/// </summary>
public static class SlaWatch
{
    /// <summary>Looks at <paramref name="incident"/> at <paramref name="now"/> with <paramref name="config"/>.</summary>
    public static SlaEvaluation Evaluate(Incident incident, IncidentConfiguration config, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(config);
        var calendar = config.PlanOf(incident).Calendar;
        var policy = config.PolicyOf(incident.ServiceId);
        var thresholds = new List<SlaThresholdReached>();
        var escalations = new List<SlaEscalationDue>();
        DateTimeOffset? next = null;
        void Consider(DateTimeOffset? due)
        {
            if (due is { } d && (next is null || d < next))
            {
                next = d;
            }
        }

        if (incident.State == IncidentState.Closed)
        {
            return new SlaEvaluation(incident, [], [], null);
        }

        foreach (var kind in new[] { SlaClockKind.Response, SlaClockKind.Resolution })
        {
            foreach (var fraction in config.WatchedFractions(kind, policy))
            {
                var clock = incident.ClockOf(kind);
                if (clock is null || clock.HasReached(fraction))
                {
                    continue;
                }

                if (clock.IsDue(fraction, now, calendar))
                {
                    var crossed = clock.DueAt(fraction, calendar) is { } at && at <= now ? at : now;
                    incident = incident.MarkReached(kind, fraction, crossed);
                    var isBreach = Math.Abs(fraction - 1) < SlaClock.FractionTolerance;
                    var isWarning = config.Settings.WarningFractions.Any(w => Math.Abs(w - fraction) < SlaClock.FractionTolerance);
                    thresholds.Add(new SlaThresholdReached(kind, fraction, crossed, isWarning, isBreach));
                }
                else
                {
                    Consider(clock.DueAt(fraction, calendar));
                }
            }
        }

        if (policy is not null && IncidentLifecycle.IsOpen(incident.State))
        {
            foreach (var level in policy.Levels.Where(l => l.IsAutomatic))
            {
                if (incident.Escalations.Any(e => e.LevelId == level.Id) || incident.ClockOf(level.Clock!.Value)?.MarkOf(level.At!.Value) is not { } mark)
                {
                    continue;
                }

                var due = mark.At + level.Delay;
                if (due > now)
                {
                    Consider(due);
                    continue;
                }

                var entry = Entry(incident, config, level, now, Incident.SystemActor, Reason(level), manual: false);
                var applied = incident.Escalate(entry);
                if (applied.IsSuccess)
                {
                    incident = applied.Value;
                    escalations.Add(new SlaEscalationDue(level, entry));
                }
            }
        }

        return new SlaEvaluation(incident, thresholds, escalations, next is { } n ? RoundUp(n) : null);
    }

    /// <summary>
    /// The entry for applying <paramref name="level"/> (or, when null, an escalation of <paramref name="kind"/> beyond
    /// the policy's levels) now: a functional one names the next support tier after the incident's group.
    /// </summary>
    public static EscalationEntry Entry(Incident incident, IncidentConfiguration config, EscalationLevel? level, DateTimeOffset at, string by, string reason, bool manual, EscalationKind? kind = null)
    {
        ArgumentNullException.ThrowIfNull(incident);
        ArgumentNullException.ThrowIfNull(config);
        var escalationKind = level?.Kind ?? kind ?? EscalationKind.Hierarchical;
        string? to = null;
        if (escalationKind == EscalationKind.Functional)
        {
            var tiers = config.SupportGroupsOf(incident.ServiceId);
            var index = incident.AssignmentGroup is { } g ? IndexOf(tiers, g) : -1;
            to = index + 1 < tiers.Count ? tiers[index + 1] : null;
        }

        var notify = (level?.Notify ?? (escalationKind == EscalationKind.Hierarchical ? ["team-manager"] : [])).ToList();
        if (escalationKind == EscalationKind.Functional && to is not null && !notify.Contains("assignment-group"))
        {
            notify.Insert(0, "assignment-group");
        }

        return new EscalationEntry(level?.Id, escalationKind, at.ToUniversalTime(), by, reason, escalationKind == EscalationKind.Functional ? incident.AssignmentGroup : null, to, notify, manual);
    }

    /// <summary>Timers fire on whole seconds and never before the instant they stand for.</summary>
    public static DateTimeOffset RoundUp(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        var rest = utc.Ticks % TimeSpan.TicksPerSecond;
        return rest == 0 ? utc : utc.AddTicks(TimeSpan.TicksPerSecond - rest);
    }

    private static int IndexOf(IReadOnlyList<string> tiers, string group)
    {
        for (var i = 0; i < tiers.Count; i++)
        {
            if (tiers[i] == group)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Reason(EscalationLevel level)
    {
        var fraction = level.At!.Value;
        var what = Math.Abs(fraction - 1) < SlaClock.FractionTolerance ? "target breached" : $"{fraction * 100:0.#} % of the target used";
        var delay = level.Delay > TimeSpan.Zero ? $", {level.Delay} ago" : string.Empty;
        return $"{level.Clock} {what}{delay}";
    }
}
