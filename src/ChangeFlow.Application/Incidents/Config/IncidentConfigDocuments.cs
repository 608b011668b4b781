namespace ChangeFlow.Application.Incidents.Config;

// The JSON shapes of incident management's configuration, as administrators edit it through the reference-data
// store. Every property is nullable so that a document missing a field reads fine and validation reports the gap with
// its path. Times of day are "HH:mm" ("24:00" ends a day), durations "d.hh:mm:ss" or ISO 8601 ("PT4H"), dates
// "yyyy-MM-dd", enum values by name, zones IANA ids.

/// <summary>The priority matrix (kind <c>priority-matrix</c>, id <c>default</c>): <c>rows[impact][urgency] = "P1"</c>.</summary>
public sealed record PriorityMatrixDocument
{
    /// <summary>Per impact (High, Medium, Low, Trivial), per urgency (High, Medium, Low), the priority (P1–P4).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? Rows { get; init; }
}

/// <summary>A business calendar (kind <c>business-calendar</c>).</summary>
public sealed record BusinessCalendarDocument
{
    /// <summary>The id, e.g. <c>wat-office</c>; must equal the document id.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary>The IANA zone, e.g. <c>Africa/Lagos</c>.</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>Working hours per weekday (<c>monday</c> … <c>sunday</c>); a day left out has none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<WorkingHoursDocument>>? Week { get; init; }

    /// <summary>Whole days off.</summary>
    public IReadOnlyList<HolidayDocument>? Holidays { get; init; }

    /// <summary>How long "one business day" is; by default the longest working day.</summary>
    public string? BusinessDayLength { get; init; }
}

/// <summary>One stretch of working hours.</summary>
public sealed record WorkingHoursDocument
{
    /// <summary>The local start, e.g. <c>08:00</c>.</summary>
    public string? Start { get; init; }

    /// <summary>The local end, e.g. <c>17:00</c>; <c>24:00</c> is the end of the day.</summary>
    public string? End { get; init; }
}

/// <summary>A holiday.</summary>
public sealed record HolidayDocument
{
    /// <summary>The local date, <c>yyyy-MM-dd</c>.</summary>
    public string? Date { get; init; }

    /// <summary>Its name.</summary>
    public string? Name { get; init; }

    /// <summary>Whether it recurs on the same month and day every year.</summary>
    public bool? EveryYear { get; init; }
}

/// <summary>A service's level (kind <c>service-level</c>): the seed's service catalogue row.</summary>
public sealed record ServiceLevelDocument
{
    /// <summary>The service id, e.g. <c>workstations</c>; must equal the document id.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary>What it covers.</summary>
    public string? Description { get; init; }

    /// <summary>How users reach it, e.g. "Ticketing portal — phone for P1/P2 only".</summary>
    public string? Channel { get; init; }

    /// <summary>The team responsible for it.</summary>
    public TeamDocument? ResponsibleTeam { get; init; }

    /// <summary>The support tiers, first to last: new incidents go to the first; functional escalation moves one tier on.</summary>
    public IReadOnlyList<string>? SupportGroups { get; init; }

    /// <summary>The business calendar its targets count in; the settings' default when absent.</summary>
    public string? CalendarId { get; init; }

    /// <summary>The escalation policy; the settings' default when absent.</summary>
    public string? EscalationPolicyId { get; init; }

    /// <summary>Incident targets per priority (<c>P1</c> … <c>P4</c>), with <c>default</c> for priorities not listed.</summary>
    public IReadOnlyDictionary<string, TargetPairDocument>? IncidentTargets { get; init; }

    /// <summary>Service request targets by request type (e.g. <c>new-setup</c>), as the catalogue publishes them.</summary>
    public IReadOnlyDictionary<string, TargetPairDocument>? RequestTargets { get; init; }
}

/// <summary>The team responsible for a service.</summary>
public sealed record TeamDocument
{
    /// <summary>What the catalogue calls it, e.g. "Sysadmin — Identity &amp; Access team".</summary>
    public string? Name { get; init; }

    /// <summary>Its assignment group (a user-directory group slug).</summary>
    public string? Group { get; init; }

    /// <summary>Who hierarchical escalation notifies first: an e-mail, <c>user:id</c>, <c>group:slug</c> or <c>role:Name</c>.</summary>
    public string? Manager { get; init; }
}

/// <summary>A response and a resolution target.</summary>
public sealed record TargetPairDocument
{
    /// <summary>The response target.</summary>
    public TargetDocument? Response { get; init; }

    /// <summary>The resolution target.</summary>
    public TargetDocument? Resolution { get; init; }
}

/// <summary>One target: exactly one of <see cref="Within"/>, <see cref="BusinessDays"/>, <see cref="NextBusinessDay"/>.</summary>
public sealed record TargetDocument
{
    /// <summary>A duration, e.g. <c>PT4H</c>.</summary>
    public string? Within { get; init; }

    /// <summary>A number of business days.</summary>
    public int? BusinessDays { get; init; }

    /// <summary>By close of business on the next business day.</summary>
    public bool? NextBusinessDay { get; init; }

    /// <summary><c>Business</c> (the default) or <c>Always</c> (24x7, e.g. a recovery time objective).</summary>
    public string? Hours { get; init; }

    /// <summary>How the catalogue words it, e.g. "4h RTO".</summary>
    public string? Label { get; init; }
}

/// <summary>An escalation policy (kind <c>escalation-policy</c>).</summary>
public sealed record EscalationPolicyDocument
{
    /// <summary>The id; must equal the document id.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary>The levels in order.</summary>
    public IReadOnlyList<EscalationLevelDocument>? Levels { get; init; }
}

/// <summary>An escalation level.</summary>
public sealed record EscalationLevelDocument
{
    /// <summary>A stable id.</summary>
    public string? Id { get; init; }

    /// <summary>What people call it.</summary>
    public string? Name { get; init; }

    /// <summary><c>Functional</c> or <c>Hierarchical</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The clock that triggers it (<c>Response</c>, <c>Resolution</c>); absent for a level applied only by hand.</summary>
    public string? Clock { get; init; }

    /// <summary>The fraction of that clock's budget that triggers it (0.75, 1 for the breach).</summary>
    public double? At { get; init; }

    /// <summary>How long after the fraction is reached it triggers, e.g. <c>PT1H</c>.</summary>
    public string? Delay { get; init; }

    /// <summary>Whom it notifies.</summary>
    public IReadOnlyList<string>? Notify { get; init; }
}

/// <summary>The incident management settings (kind <c>incident-settings</c>, id <c>default</c>).</summary>
public sealed record IncidentSettingsDocument
{
    /// <summary>The priority the clocks run at before an incident is prioritized; default P3.</summary>
    public string? DefaultPriority { get; init; }

    /// <summary>The calendar of services that name none.</summary>
    public string? DefaultCalendarId { get; init; }

    /// <summary>The escalation policy of services that name none.</summary>
    public string? DefaultEscalationPolicyId { get; init; }

    /// <summary>Where new incidents of a service without support groups go; default <c>service-desk</c>.</summary>
    public string? DefaultAssignmentGroup { get; init; }

    /// <summary>The fractions of a budget that raise a warning; default 0.5 and 0.75 (the breach at 1 is always raised).</summary>
    public IReadOnlyList<double>? WarningFractions { get; init; }

    /// <summary>The hold states that pause the clocks; default AwaitingUser and PendingVendor.</summary>
    public IReadOnlyList<string>? ClockPausingStates { get; init; }

    /// <summary>How many business days after resolution an unconfirmed incident closes itself; default 3.</summary>
    public int? AutoCloseAfterBusinessDays { get; init; }

    /// <summary>The head of IT: who hierarchical escalation notifies after the team manager.</summary>
    public IReadOnlyList<string>? HeadOfIt { get; init; }

    /// <summary>The executives notified when a P1 is declared a crisis.</summary>
    public IReadOnlyList<string>? CrisisNotificationList { get; init; }

    /// <summary>The categories an incident may have.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>How Alertmanager notifications become incidents.</summary>
    public AlertmanagerDocument? Alertmanager { get; init; }
}

/// <summary>How Alertmanager notifications become incidents.</summary>
public sealed record AlertmanagerDocument
{
    /// <summary><c>GroupKey</c> (one incident per Alertmanager group, the default) or <c>Fingerprint</c> (one per alert).</summary>
    public string? DeduplicateBy { get; init; }

    /// <summary>The label naming the affected service; default <c>service</c>.</summary>
    public string? ServiceLabel { get; init; }

    /// <summary>Label values mapped to service ids, e.g. <c>{"lims": "application-support"}</c>; a value that is a service id maps to itself.</summary>
    public IReadOnlyDictionary<string, string>? Services { get; init; }

    /// <summary>The service of alerts whose label names none.</summary>
    public string? DefaultServiceId { get; init; }

    /// <summary>The label that gives the impact directly (High, Medium, Low, Trivial); default <c>impact</c>.</summary>
    public string? ImpactLabel { get; init; }

    /// <summary>The label that gives the urgency directly; default <c>urgency</c>.</summary>
    public string? UrgencyLabel { get; init; }

    /// <summary>The label whose value is looked up in <see cref="Severities"/>; default <c>severity</c>.</summary>
    public string? SeverityLabel { get; init; }

    /// <summary>Severity label values mapped to impact and urgency.</summary>
    public IReadOnlyDictionary<string, ImpactUrgencyDocument>? Severities { get; init; }

    /// <summary>The impact and urgency of alerts that say nothing usable.</summary>
    public ImpactUrgencyDocument? Default { get; init; }

    /// <summary>The category alert incidents get; default <c>monitoring-alert</c>.</summary>
    public string? Category { get; init; }

    /// <summary>Whether an incident is resolved when all its alerts resolve; default false (recorded only).</summary>
    public bool? ResolveWhenAlertsResolve { get; init; }
}

/// <summary>An impact and an urgency.</summary>
public sealed record ImpactUrgencyDocument
{
    /// <summary>High, Medium, Low or Trivial.</summary>
    public string? Impact { get; init; }

    /// <summary>High, Medium or Low.</summary>
    public string? Urgency { get; init; }
}
