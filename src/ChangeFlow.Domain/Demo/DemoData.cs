using ChangeFlow.Domain.Cab;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Registry;
using ChangeFlow.Domain.Risk;
using ChangeFlow.Domain.Scheduling;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Demo;

/// <summary>
/// The case study of the ITIL training notes as domain objects: RFC-2026-014, the LIMS v3.8 → v4.0 upgrade at a
/// biomedical research institute, with its services, configuration items, CAB and the Monday lab-opening blackout.
/// Used by tests as the reference dossier and by the web host as demo content. Every local time is WAT
/// (<c>Africa/Lagos</c>, UTC+1, no daylight saving).
/// </summary>
public static class DemoData
{
    /// <summary>The zone the case study's times are stated in.</summary>
    public const string TimeZoneId = "Africa/Lagos";

    /// <summary>The requestor: the Head of IT Operations.</summary>
    public static Person Requestor { get; } = new("it-ops-head", "Head of IT Operations");

    /// <summary>The application owner: the Director of Laboratory Services.</summary>
    public static Person ApplicationOwner { get; } = new("lab-services-director", "Director of Laboratory Services");

    /// <summary>The file the lab managers' briefing attaches: the v4.0 quick reference card.</summary>
    public const string QuickReferenceCard = "lims-v4-quick-reference.pdf";

    /// <summary>The RFC's number.</summary>
    public static ChangeNumber Rfc2026014Number { get; } = ChangeNumber.Create(2026, 14).Value;

    private static ZoneCalendar Wat => ZoneCalendar.ForId(TimeZoneId);

    /// <summary>The LIMS and the syndromic surveillance platform.</summary>
    public static IReadOnlyList<Service> Services() =>
    [
        new("lims", "Laboratory Information Management System (LIMS)"),
        new("surveillance-platform", "Syndromic surveillance platform"),
    ];

    /// <summary>The LIMS application servers, its PostgreSQL database and the bridge to the surveillance platform.</summary>
    public static IReadOnlyList<ConfigurationItem> ConfigurationItems() =>
    [
        new("lims-prod-01", "LIMS application server, primary node", ConfigurationItemKind.ApplicationServer, ["lims"]),
        new("lims-prod-02", "LIMS application server, secondary node", ConfigurationItemKind.ApplicationServer, ["lims"]),
        new("lims-db-01", "LIMS PostgreSQL database", ConfigurationItemKind.Database, ["lims"]),
        new("lims-surveillance-bridge", "Integration bridge between the LIMS and the surveillance platform", ConfigurationItemKind.Integration, ["lims", "surveillance-platform"]),
    ];

    /// <summary>A registry of <see cref="Services"/> and <see cref="ConfigurationItems"/>.</summary>
    public static ConfigurationRegistry Registry() => ConfigurationRegistry.Create(Services(), ConfigurationItems()).Value;

    /// <summary>
    /// The demo CAB: meets Wednesdays 10:00 WAT for an hour, decides by majority, wants dossiers five days ahead.
    /// The requestor sits on it, so the self-approval rule has something to refuse.
    /// </summary>
    public static CabBoard CabBoard() => new()
    {
        Id = "cab-main",
        Name = "Change Advisory Board",
        Members =
        [
            new(new Person("change-manager", "Change Manager"), CabRole.Chair),
            new(Requestor, CabRole.ItOperations),
            new(new Person("security-officer", "Information Security Officer"), CabRole.Security),
            new(ApplicationOwner, CabRole.ApplicationOwner),
            new(new Person("quality-lead", "Head of Quality"), CabRole.BusinessStakeholder),
        ],
        Schedule = new CabMeetingSchedule(DayOfWeek.Wednesday, new TimeOnly(10, 0), TimeZoneId, TimeSpan.FromHours(1)),
        Quorum = QuorumPolicy.Majority,
        AgendaLeadTime = TimeSpan.FromDays(5),
    };

    /// <summary>"Monday 07:30 lab opening": no LIMS change may run Monday 07:30–09:00 WAT.</summary>
    public static BlackoutWindow LabOpeningBlackout() =>
        BlackoutWindow.Weekly("Monday 07:30 lab opening", DayOfWeek.Monday, new TimeOnly(7, 30), TimeSpan.FromMinutes(90), TimeZoneId, ["lims"]);

    /// <summary>The complete RFC-2026-014 dossier, in state New.</summary>
    public static ChangeRequest Rfc2026014() => new()
    {
        Number = Rfc2026014Number,
        Title = "LIMS major version upgrade: v3.8 → v4.0",
        Type = ChangeType.Normal,
        Category = ChangeCategory.Major,
        Requestor = Requestor,
        ApplicationOwner = ApplicationOwner,
        SubmittedAt = At(5, 3, 9, 0),
        Window = new ChangeWindow(At(5, 23, 22, 0), At(5, 24, 6, 0), TimeZoneId),
        CabReviewAt = At(5, 13, 10, 0),
        Justification =
            "The current LIMS v3.x reaches vendor end-of-life on 2026-12-31. After that date: no security patches, no bug fixes, "
            + "no vendor support. Version 4.0 also introduces a native REST API required by the next release of the syndromic "
            + "surveillance platform. This change is driven by compliance (security posture) and technical dependency "
            + "(surveillance platform roadmap) simultaneously.",
        Impact = Impact(),
        RiskRegister = Risks(),
        ImplementationPlan = Plan(),
        RollbackDecisionPoint = At(5, 24, 4, 0),
        RollbackProcedure = Rollback(),
        CommunicationPlan = Communication(),
        PostImplementationReview = Review(),
    };

    private static DateTimeOffset At(int month, int day, int hour, int minute) =>
        Wat.ToInstant(new DateOnly(2026, month, day), new TimeOnly(hour, minute));

    private static ImpactAssessment Impact() => new()
    {
        ConfigurationItemIds = ["lims-prod-01", "lims-prod-02", "lims-db-01", "lims-surveillance-bridge"],
        ServiceIds = ["lims"],
        UsersAffected = 65,
        UserGroups = ["Virology", "Bacteriology", "Epidemiology", "Quality"],
        BusinessProcesses =
        [
            "Sample reception", "Test assignment", "Result entry", "Result validation", "Report generation", "QC workflows",
        ],
        DownstreamServices =
        [
            new("surveillance-platform", "Reads LIMS results via API; will operate in read-only degraded mode during the window."),
        ],
        Duration = TimeSpan.FromHours(8),
        DurationNote = "LIMS unavailable ~8 hours; all impact contained within the Saturday night window.",
        DataAtRisk = "~120,000 sample records, 3 years of test history. No patient PII in LIMS (samples referenced by anonymous ID).",
    };

    private static RiskRegister Risks() => new(
    [
        new(
            "DB migration script fails mid-run, leaving schema in inconsistent state",
            RiskProbability.Low,
            RiskImpact.Critical,
            "Full DB snapshot before migration; script tested 3× on staging with a copy of production data"),
        new(
            "v4.0 breaks custom report templates (Quality dept uses non-standard format)",
            RiskProbability.Medium,
            RiskImpact.Medium,
            "All 12 templates validated on staging; Quality dept sign-off obtained before CAB submission"),
        new(
            "Surveillance platform integration fails after API change",
            RiskProbability.Low,
            RiskImpact.High,
            "Integration tested on staging against v4.0 API; surveillance team on standby Sunday 00:30"),
        new(
            "Deployment overruns window, runs into Monday lab opening at 07:30",
            RiskProbability.Low,
            RiskImpact.High,
            "Hard rollback decision point at 04:00 — if not complete by then, rollback regardless of progress"),
        new(
            "UI changes slow down lab technicians Monday morning",
            RiskProbability.Medium,
            RiskImpact.Low,
            "30-min walkthrough session Monday 08:00; quick reference card distributed Friday"),
    ]);

    private static ImplementationPlan Plan() => new(
    [
        new(At(5, 23, 21, 30), "Pre-deployment checklist: verify backup completed, confirm no active test runs, notify on-call lab manager", "IT Ops lead", RequiredToProceed: true) { Id = "pre-checks" },
        new(At(5, 23, 22, 0), "Put LIMS in maintenance mode (users see scheduled maintenance banner)", "Sysadmin") { Id = "maintenance-on" },
        new(At(5, 23, 22, 5), "Full PostgreSQL dump to backup server + verify checksum", "DBA", RequiredToProceed: true) { Id = "db-dump" },
        new(At(5, 23, 22, 30), "Stop LIMS application services on both nodes", "Sysadmin") { Id = "stop-services" },
        new(At(5, 23, 22, 35), "Run database schema migration script (estimated: 45 min)", "DBA", RequiredToProceed: true) { Id = "db-migration" },
        new(At(5, 23, 23, 20), "Deploy v4.0 application package on lims-prod-01 (primary node)", "Sysadmin") { Id = "deploy-primary" },
        new(At(5, 23, 23, 40), "Run automated smoke test suite against lims-prod-01", "IT Ops lead", RequiredToProceed: true) { Id = "smoke-tests" },
        new(At(5, 24, 0, 0), "Deploy v4.0 on lims-prod-02, verify cluster synchronization", "Sysadmin") { Id = "deploy-secondary" },
        new(At(5, 24, 0, 30), "Test surveillance platform integration against new v4.0 API", "Surveillance team", RequiredToProceed: true) { Id = "surveillance-test" },
        new(At(5, 24, 1, 0), "Manual validation by on-call lab manager: create test sample, enter result, generate report", "Lab manager", RequiredToProceed: true) { Id = "lab-validation" },
        new(At(5, 24, 1, 30), "Remove maintenance mode, monitor application logs for 30 min", "IT Ops lead") { Id = "maintenance-off" },
        new(At(5, 24, 2, 0), "Deployment declared successful — confirmation sent to all stakeholders", "IT Ops lead") { Id = "declare-success" },
    ]);

    private static RollbackProcedure Rollback() => new(
        [
            "Any required checkpoint fails and cannot be resolved within 30 minutes",
            "The 04:00 hard deadline is reached",
        ],
        [
            "Stop all LIMS application services on both nodes",
            "Drop the migrated database: dropdb lims_production",
            "Restore from the pre-migration dump: pg_restore -d lims_production /backup/lims-premig-20260523.dump",
            "Verify integrity: compare row counts for samples, tests, results tables against the pre-migration snapshot",
            "Redeploy the v3.8 package from artifact registry on both nodes",
            "Restart application services, verify cluster health",
            "Remove maintenance mode, run the same smoke test suite",
            "Notify all stakeholders: rollback completed, root cause analysis scheduled Monday",
        ],
        TimeSpan.FromMinutes(45));

    private static IReadOnlyList<CommunicationItem> Communication() =>
    [
        new(
            "All LIMS users",
            "Scheduled maintenance — LIMS unavailable Saturday 22:00 → Sunday 06:00",
            NotificationTiming.Relative(WindowEdge.Start, TimeSpan.FromHours(-32)),
            [CommunicationChannel.Email, CommunicationChannel.InAppBanner])
        {
            Id = "lims-users",
            Recipients = ["service:lims"],
        },
        new(
            "Lab managers",
            "Upgrade rationale, v4.0 UI changes, quick reference card attached",
            NotificationTiming.Relative(WindowEdge.Start, TimeSpan.FromHours(-32)),
            [])
        {
            Id = "lab-managers",
            Recipients = ["list:lab-managers"],
            Attachments = [QuickReferenceCard],
        },
        new(
            "Surveillance team",
            "API changes summary, integration test results, standby request for Sunday 00:30",
            NotificationTiming.During(new DateOnly(2026, 5, 21)),
            [CommunicationChannel.DirectMessage, CommunicationChannel.Ticket])
        {
            Id = "surveillance-team",
            Recipients = ["list:surveillance-team"],
        },
        new(
            "All stakeholders",
            "Outcome (success or rollback) + next steps",
            NotificationTiming.WhenOutcomeKnown(),
            [])
        {
            Id = "outcome",
            Recipients = ["stakeholders"],
        },
    ];

    private static PostImplementationReview Review() => new()
    {
        ScheduledAt = At(5, 25, 10, 0),
        Duration = TimeSpan.FromMinutes(30),
        Attendees =
        [
            "IT Ops lead",
            "Application owner (Director of Laboratory Services)",
            "Virology representative",
            "Bacteriology representative",
            "Epidemiology representative",
            "Quality representative",
        ],
        AgendaItems =
        [
            "Did deployment complete within window? If not: what caused the overrun?",
            "Were all required checkpoints met? Document any deviations or waivers.",
            "User-reported issues since go-live (collected Monday morning, before the review)",
            "Was rollback triggered? If yes: full root cause analysis before next major change",
            "Were Application Support SLAs met during the post-go-live monitoring period?",
            "Update the LIMS runbook with any new procedures discovered during the upgrade",
            "Close RFC-2026-014 in the ITSM tool; status: Successful or Successful with deviations",
        ],
    };
}
