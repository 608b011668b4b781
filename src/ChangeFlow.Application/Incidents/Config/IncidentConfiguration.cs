using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Application.Incidents.Config;

/// <summary>
/// Incident management's configuration as read at one moment: the matrix, the settings, the calendars, the service
/// levels and the escalation policies. Commands and workflow runs read it once and decide with it.
/// </summary>
public sealed class IncidentConfiguration
{
    /// <summary>Creates a snapshot.</summary>
    public IncidentConfiguration(
        PriorityMatrix matrix,
        IncidentSettings settings,
        IReadOnlyDictionary<string, BusinessCalendar> calendars,
        IReadOnlyDictionary<string, ServiceLevel> services,
        IReadOnlyDictionary<string, EscalationPolicy> policies)
    {
        Matrix = matrix;
        Settings = settings;
        Calendars = calendars;
        Services = services;
        Policies = policies;
    }

    /// <summary>The priority matrix.</summary>
    public PriorityMatrix Matrix { get; }

    /// <summary>The settings.</summary>
    public IncidentSettings Settings { get; }

    /// <summary>The calendars by id.</summary>
    public IReadOnlyDictionary<string, BusinessCalendar> Calendars { get; }

    /// <summary>The service levels by id.</summary>
    public IReadOnlyDictionary<string, ServiceLevel> Services { get; }

    /// <summary>The escalation policies by id.</summary>
    public IReadOnlyDictionary<string, EscalationPolicy> Policies { get; }

    /// <summary>
    /// The calendar a service counts in (its own, else the default); the round-the-clock calendar when neither is
    /// stored any more, so a deleted calendar never stops the clocks.
    /// </summary>
    public BusinessCalendar CalendarOf(string? serviceId)
    {
        var id = serviceId is not null && Services.TryGetValue(serviceId, out var service) && service.CalendarId is { } own ? own : Settings.DefaultCalendarId;
        return Calendars.TryGetValue(id, out var calendar) ? calendar
            : Calendars.TryGetValue(Settings.DefaultCalendarId, out var fallback) ? fallback
            : BusinessCalendar.AlwaysOpen;
    }

    /// <summary>The escalation policy of a service (its own, else the default), or null when none is stored.</summary>
    public EscalationPolicy? PolicyOf(string? serviceId)
    {
        var id = serviceId is not null && Services.TryGetValue(serviceId, out var service) && service.EscalationPolicyId is { } own ? own : Settings.DefaultEscalationPolicyId;
        return Policies.TryGetValue(id, out var policy) ? policy : Policies.GetValueOrDefault(Settings.DefaultEscalationPolicyId);
    }

    /// <summary>The priority the clocks of <paramref name="incident"/> run at: its own, or the default before prioritization.</summary>
    public Priority EffectivePriority(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Priority ?? Settings.DefaultPriority;
    }

    /// <summary>The targets of <paramref name="serviceId"/> at <paramref name="priority"/>, or null for an unknown service.</summary>
    public SlaPlan? PlanFor(string? serviceId, Priority priority) =>
        serviceId is not null && Services.TryGetValue(serviceId, out var service) && service.IncidentTargets.TryGetValue(priority, out var targets)
            ? new SlaPlan(priority, targets.Response, targets.Resolution, CalendarOf(serviceId))
            : null;

    /// <summary>
    /// The plan that applies to <paramref name="incident"/> now. When its service is no longer configured, the
    /// targets its clocks already run against are kept (with the default calendar), so the clocks never lose their
    /// targets because a document was deleted.
    /// </summary>
    public SlaPlan PlanOf(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var priority = EffectivePriority(incident);
        return PlanFor(incident.ServiceId, priority)
            ?? new SlaPlan(
                priority,
                incident.ResponseClock?.Target ?? SlaTarget.BusinessDays(1),
                incident.ResolutionClock?.Target ?? SlaTarget.BusinessDays(1),
                CalendarOf(incident.ServiceId));
    }

    /// <summary>The support tiers of a service, first to last (the default group when it names none).</summary>
    public IReadOnlyList<string> SupportGroupsOf(string? serviceId) =>
        serviceId is not null && Services.TryGetValue(serviceId, out var service) && service.SupportGroups.Count > 0
            ? service.SupportGroups
            : [Settings.DefaultAssignmentGroup];

    /// <summary>The fractions the clocks are watched at: the warnings, the breach (1) and any escalation level's trigger.</summary>
    public IReadOnlyList<double> WatchedFractions(SlaClockKind clock, EscalationPolicy? policy) =>
        [.. Settings.WarningFractions
            .Append(1.0)
            .Concat(policy?.Levels.Where(l => l.Clock == clock && l.At is not null).Select(l => l.At!.Value) ?? [])
            .Distinct()
            .Order()];
}
