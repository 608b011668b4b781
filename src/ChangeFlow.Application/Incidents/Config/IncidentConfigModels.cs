using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents.Config;

/// <summary>The team responsible for a service.</summary>
/// <param name="Name">What the catalogue calls it.</param>
/// <param name="Group">Its assignment group.</param>
/// <param name="Manager">Who hierarchical escalation notifies first (a recipient spec).</param>
public sealed record SupportTeam(string Name, string? Group, string? Manager);

/// <summary>A response and a resolution target.</summary>
/// <param name="Response">The response target.</param>
/// <param name="Resolution">The resolution target.</param>
public sealed record SlaTargets(SlaTarget Response, SlaTarget Resolution);

/// <summary>A validated service level: the seed's service catalogue row, with targets for every priority.</summary>
/// <param name="Id">The service id.</param>
/// <param name="Name">What people call it.</param>
/// <param name="Description">What it covers.</param>
/// <param name="Channel">How users reach it.</param>
/// <param name="Team">The responsible team.</param>
/// <param name="SupportGroups">The support tiers, first to last (never empty).</param>
/// <param name="CalendarId">The calendar its targets count in, when it names one.</param>
/// <param name="EscalationPolicyId">Its escalation policy, when it names one.</param>
/// <param name="IncidentTargets">The targets of each priority P1–P4 (the document's <c>default</c> filled in).</param>
/// <param name="RequestTargets">Service request targets by request type.</param>
public sealed record ServiceLevel(
    string Id,
    string Name,
    string? Description,
    string? Channel,
    SupportTeam Team,
    IReadOnlyList<string> SupportGroups,
    string? CalendarId,
    string? EscalationPolicyId,
    IReadOnlyDictionary<Priority, SlaTargets> IncidentTargets,
    IReadOnlyDictionary<string, SlaTargets> RequestTargets);

/// <summary>What Alertmanager incidents are deduplicated by.</summary>
public enum AlertDeduplication
{
    /// <summary>One incident per Alertmanager group (its group key).</summary>
    GroupKey = 1,

    /// <summary>One incident per alert (its fingerprint).</summary>
    Fingerprint = 2,
}

/// <summary>How Alertmanager notifications become incidents.</summary>
/// <param name="DeduplicateBy">Group key or fingerprint.</param>
/// <param name="ServiceLabel">The label naming the service.</param>
/// <param name="Services">Label values mapped to service ids.</param>
/// <param name="DefaultServiceId">The service when the label names none.</param>
/// <param name="ImpactLabel">The label giving the impact.</param>
/// <param name="UrgencyLabel">The label giving the urgency.</param>
/// <param name="SeverityLabel">The label looked up in <paramref name="Severities"/>.</param>
/// <param name="Severities">Severity values (lower case) mapped to impact and urgency.</param>
/// <param name="DefaultImpact">The impact when nothing else says.</param>
/// <param name="DefaultUrgency">The urgency when nothing else says.</param>
/// <param name="Category">The category of alert incidents.</param>
/// <param name="ResolveWhenAlertsResolve">Whether resolved alerts resolve the incident.</param>
public sealed record AlertmanagerSettings(
    AlertDeduplication DeduplicateBy,
    string ServiceLabel,
    IReadOnlyDictionary<string, string> Services,
    string DefaultServiceId,
    string ImpactLabel,
    string UrgencyLabel,
    string SeverityLabel,
    IReadOnlyDictionary<string, (Impact Impact, Urgency Urgency)> Severities,
    Impact DefaultImpact,
    Urgency DefaultUrgency,
    string Category,
    bool ResolveWhenAlertsResolve);

/// <summary>The validated incident management settings.</summary>
/// <param name="DefaultPriority">The clocks' priority before prioritization.</param>
/// <param name="DefaultCalendarId">The calendar of services naming none.</param>
/// <param name="DefaultEscalationPolicyId">The policy of services naming none.</param>
/// <param name="DefaultAssignmentGroup">Where incidents of services without support groups go.</param>
/// <param name="WarningFractions">The warning fractions, ascending, each below 1.</param>
/// <param name="ClockPausingStates">The hold states that pause the clocks.</param>
/// <param name="AutoCloseAfterBusinessDays">Business days after resolution before an unconfirmed incident closes itself.</param>
/// <param name="HeadOfIt">The head of IT (recipient specs).</param>
/// <param name="CrisisNotificationList">The executives notified of a crisis (recipient specs).</param>
/// <param name="Categories">The allowed categories.</param>
/// <param name="Alertmanager">The Alertmanager mapping.</param>
public sealed record IncidentSettings(
    Priority DefaultPriority,
    string DefaultCalendarId,
    string DefaultEscalationPolicyId,
    string DefaultAssignmentGroup,
    IReadOnlyList<double> WarningFractions,
    IReadOnlyList<IncidentState> ClockPausingStates,
    int AutoCloseAfterBusinessDays,
    IReadOnlyList<string> HeadOfIt,
    IReadOnlyList<string> CrisisNotificationList,
    IReadOnlyList<string> Categories,
    AlertmanagerSettings Alertmanager)
{
    /// <summary>Whether a hold in <paramref name="state"/> pauses the clocks.</summary>
    public bool Pauses(IncidentState state) => ClockPausingStates.Contains(state);
}
