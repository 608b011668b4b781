using ChangeFlow.Application.Changes.Catalog;
using ChangeFlow.Application.Common;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Application.Incidents.Config;

/// <summary>
/// The configuration a fresh installation starts with: the seed's priority matrix, its five services with channel,
/// responsible team and SLA targets, a WAT office calendar, a default escalation policy and the settings. Where the
/// seed's catalogue table gives no target for a priority (workstation P1/P2, application P1, backup P2/P4), the
/// defaults fill one in the spirit of its neighbours; administrators edit them like any other document.
/// </summary>
public static class IncidentConfigDefaults
{
    /// <summary>The office calendar: Monday to Friday 08:00–17:00 in Africa/Lagos (WAT).</summary>
    public const string CalendarId = "wat-office";

    /// <summary>The default escalation policy.</summary>
    public const string PolicyId = "default";

    /// <summary>The first-line group new incidents go to.</summary>
    public const string ServiceDesk = "service-desk";

    /// <summary>The seed's five services, by id.</summary>
    public static readonly IReadOnlyList<string> ServiceIds = ["user-accounts", "workstations", "application-support", "vpn-remote-access", "backup-recovery"];

    /// <summary>The settings that apply to whatever a settings document leaves out.</summary>
    public static IncidentSettings Settings { get; } = new(
        Priority.P3,
        CalendarId,
        PolicyId,
        ServiceDesk,
        [0.5, 0.75],
        [IncidentState.AwaitingUser, IncidentState.PendingVendor],
        3,
        ["head-of-it@example.org"],
        ["director-general@example.org", "head-of-it@example.org", "communications@example.org"],
        ["access", "hardware", "software", "network", "data", "security", "monitoring-alert", "other"],
        new AlertmanagerSettings(
            AlertDeduplication.GroupKey,
            "service",
            new Dictionary<string, string>(StringComparer.Ordinal) { ["lims"] = "application-support", ["vpn"] = "vpn-remote-access", ["backup"] = "backup-recovery" },
            "application-support",
            "impact",
            "urgency",
            "severity",
            new Dictionary<string, (Impact, Urgency)>(StringComparer.OrdinalIgnoreCase)
            {
                ["critical"] = (Impact.High, Urgency.High),
                ["major"] = (Impact.High, Urgency.Medium),
                ["error"] = (Impact.Medium, Urgency.High),
                ["warning"] = (Impact.Medium, Urgency.Medium),
                ["minor"] = (Impact.Low, Urgency.Medium),
                ["info"] = (Impact.Low, Urgency.Low),
            },
            Impact.Medium,
            Urgency.Medium,
            "monitoring-alert",
            false));

    /// <summary>Every default document: (kind, id, document).</summary>
    public static IEnumerable<(string Kind, string Id, object Document)> Documents()
    {
        yield return (ReferenceKinds.PriorityMatrix, IncidentConfigParser.SingletonId, new PriorityMatrixDocument
        {
            Rows = Enum.GetValues<Impact>().ToDictionary(
                i => i.ToString(),
                i => (IReadOnlyDictionary<string, string>)Enum.GetValues<Urgency>().ToDictionary(u => u.ToString(), u => PriorityMatrix.Default.PriorityOf(i, u).ToString())),
        });

        var office = new List<WorkingHoursDocument> { new() { Start = "08:00", End = "17:00" } };
        yield return (ReferenceKinds.BusinessCalendar, CalendarId, new BusinessCalendarDocument
        {
            Id = CalendarId,
            Name = "Office hours (WAT)",
            TimeZoneId = "Africa/Lagos",
            Week = new Dictionary<string, IReadOnlyList<WorkingHoursDocument>> { ["monday"] = office, ["tuesday"] = office, ["wednesday"] = office, ["thursday"] = office, ["friday"] = office },
            Holidays =
            [
                new() { Date = "2026-01-01", Name = "New Year's Day", EveryYear = true },
                new() { Date = "2026-04-03", Name = "Good Friday" },
                new() { Date = "2026-04-06", Name = "Easter Monday" },
                new() { Date = "2026-05-01", Name = "Workers' Day", EveryYear = true },
                new() { Date = "2026-06-12", Name = "Democracy Day", EveryYear = true },
                new() { Date = "2026-12-25", Name = "Christmas Day", EveryYear = true },
                new() { Date = "2026-12-26", Name = "Boxing Day", EveryYear = true },
            ],
        });

        yield return (ReferenceKinds.EscalationPolicy, PolicyId, new EscalationPolicyDocument
        {
            Id = PolicyId,
            Name = "Default incident escalation",
            Levels =
            [
                new() { Id = "next-tier", Name = "Hand over to the next support tier", Kind = "Functional", Clock = "Resolution", At = 0.5 },
                new() { Id = "team-manager", Name = "Notify the team manager", Kind = "Hierarchical", Clock = "Resolution", At = 0.75, Notify = ["team-manager"] },
                new() { Id = "head-of-it", Name = "Notify the head of IT", Kind = "Hierarchical", Clock = "Resolution", At = 1, Notify = ["head-of-it", "team-manager"] },
            ],
        });

        foreach (var service in Services())
        {
            yield return (ReferenceKinds.ServiceLevel, service.Id!, service);
        }

        yield return (ReferenceKinds.IncidentSettings, IncidentConfigParser.SingletonId, SettingsDocument());

        // The change catalogue names services too (an RFC's impact lists them); the seed's five exist there as well.
        foreach (var service in Services())
        {
            yield return (ReferenceKinds.Service, service.Id!, new ServiceDocument { Id = service.Id, Name = service.Name });
        }
    }

    /// <summary>The seed's service catalogue, as service-level documents.</summary>
    public static IReadOnlyList<ServiceLevelDocument> Services() =>
    [
        new()
        {
            Id = "user-accounts",
            Name = "User account provisioning",
            Description = "Creation, modification, or deactivation of accounts (Active Directory, email, VPN, application access). Covers onboarding and offboarding.",
            Channel = "ITSM ticketing portal / HR workflow trigger",
            ResponsibleTeam = new() { Name = "Sysadmin — Identity & Access team", Group = "identity-access", Manager = "identity-access-lead@example.org" },
            SupportGroups = [ServiceDesk, "identity-access"],
            IncidentTargets = new Dictionary<string, TargetPairDocument> { ["default"] = Pair(Within("PT4H"), Days(1)) },
        },
        new()
        {
            Id = "workstations",
            Name = "Workstation support",
            Description = "Hardware diagnosis and repair, OS reinstall, peripheral setup (printers, scanners, external drives). On-site or remote via support session.",
            Channel = "Ticketing portal — phone for P1/P2 only",
            ResponsibleTeam = new() { Name = "IT Support technician", Group = "it-support", Manager = "it-support-lead@example.org" },
            SupportGroups = [ServiceDesk, "it-support"],
            IncidentTargets = new Dictionary<string, TargetPairDocument>
            {
                ["P1"] = Pair(Within("PT1H"), Within("PT4H")),
                ["P2"] = Pair(Within("PT2H"), Days(1)),
                ["P3"] = Pair(Within("PT4H"), Days(2)),
                ["P4"] = Pair(new TargetDocument { NextBusinessDay = true }, Days(5)),
            },
        },
        new()
        {
            Id = "application-support",
            Name = "Application support",
            Description = "Functional support for lab and corporate applications: LIMS, ERP (finance, HR), syndromic surveillance platform, email (M365). Includes access requests and usage questions.",
            Channel = "Ticketing portal, categorized by application",
            ResponsibleTeam = new() { Name = "Application owner + IT Operations", Group = "it-operations", Manager = "it-operations-lead@example.org" },
            SupportGroups = [ServiceDesk, "it-operations", "application-owners"],
            IncidentTargets = new Dictionary<string, TargetPairDocument>
            {
                ["P1"] = Pair(Within("PT1H"), Within("PT2H")),
                ["P2"] = Pair(Within("PT2H"), Within("PT4H")),
                ["P3"] = Pair(Within("PT4H"), Days(1)),
                ["P4"] = Pair(Days(1), Days(3)),
            },
        },
        new()
        {
            Id = "vpn-remote-access",
            Name = "VPN & remote access",
            Description = "Setup, configuration, and troubleshooting of remote access (VPN client, MFA token). Covers new setups for approved staff and incident resolution for existing connections.",
            Channel = "Ticketing portal — escalation via phone if blocking remote work",
            ResponsibleTeam = new() { Name = "Network team", Group = "network", Manager = "network-lead@example.org" },
            SupportGroups = [ServiceDesk, "network"],
            IncidentTargets = new Dictionary<string, TargetPairDocument> { ["default"] = Pair(Within("PT2H"), Within("PT4H")) },
            RequestTargets = new Dictionary<string, TargetPairDocument> { ["new-setup"] = Pair(Days(1), Days(2)) },
        },
        new()
        {
            Id = "backup-recovery",
            Name = "Backup & data recovery",
            Description = "Scheduled backups of research data, institutional databases, and user file shares. Restore requests for accidental deletions or corruption. Covers file-level and full-system restores.",
            Channel = "Ticketing portal — critical restores via phone (P1/P2)",
            ResponsibleTeam = new() { Name = "Sysadmin — Infrastructure team", Group = "infrastructure", Manager = "infrastructure-lead@example.org" },
            SupportGroups = [ServiceDesk, "infrastructure"],
            IncidentTargets = new Dictionary<string, TargetPairDocument>
            {
                ["P1"] = Pair(Within("PT1H", "1h acknowledged", always: true), Within("PT4H", "4h RTO", always: true)),
                ["P2"] = Pair(Within("PT2H"), Days(1)),
                ["P3"] = Pair(Within("PT4H"), Days(1)),
                ["P4"] = Pair(new TargetDocument { NextBusinessDay = true }, Days(3)),
            },
        },
    ];

    /// <summary>The settings as a document.</summary>
    public static IncidentSettingsDocument SettingsDocument()
    {
        var s = Settings;
        var a = s.Alertmanager;
        return new IncidentSettingsDocument
        {
            DefaultPriority = s.DefaultPriority.ToString(),
            DefaultCalendarId = s.DefaultCalendarId,
            DefaultEscalationPolicyId = s.DefaultEscalationPolicyId,
            DefaultAssignmentGroup = s.DefaultAssignmentGroup,
            WarningFractions = s.WarningFractions,
            ClockPausingStates = [.. s.ClockPausingStates.Select(x => x.ToString())],
            AutoCloseAfterBusinessDays = s.AutoCloseAfterBusinessDays,
            HeadOfIt = s.HeadOfIt,
            CrisisNotificationList = s.CrisisNotificationList,
            Categories = s.Categories,
            Alertmanager = new AlertmanagerDocument
            {
                DeduplicateBy = a.DeduplicateBy.ToString(),
                ServiceLabel = a.ServiceLabel,
                Services = a.Services,
                DefaultServiceId = a.DefaultServiceId,
                ImpactLabel = a.ImpactLabel,
                UrgencyLabel = a.UrgencyLabel,
                SeverityLabel = a.SeverityLabel,
                Severities = a.Severities.ToDictionary(p => p.Key, p => new ImpactUrgencyDocument { Impact = p.Value.Impact.ToString(), Urgency = p.Value.Urgency.ToString() }),
                Default = new ImpactUrgencyDocument { Impact = a.DefaultImpact.ToString(), Urgency = a.DefaultUrgency.ToString() },
                Category = a.Category,
                ResolveWhenAlertsResolve = a.ResolveWhenAlertsResolve,
            },
        };
    }

    private static TargetPairDocument Pair(TargetDocument response, TargetDocument resolution) => new() { Response = response, Resolution = resolution };

    private static TargetDocument Within(string duration, string? label = null, bool always = false) => new() { Within = duration, Label = label, Hours = always ? nameof(SlaHours.Always) : null };

    private static TargetDocument Days(int days) => new() { BusinessDays = days };
}
