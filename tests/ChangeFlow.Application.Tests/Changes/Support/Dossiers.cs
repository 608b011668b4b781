using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Application.Tests.Changes.Support;

/// <summary>Small valid dossiers for route tests, in the seed's zone.</summary>
public static class Dossiers
{
    /// <summary>A standard change (no risk, no rollback needed) on <paramref name="services"/> in a two-hour window.</summary>
    public static ChangeRequest Standard(DateTimeOffset start, string[] services, string[]? items = null) => new()
    {
        Title = "Roll out the antivirus engine update",
        Type = ChangeType.Standard,
        Category = ChangeCategory.Minor,
        Requestor = DemoData.Requestor,
        ApplicationOwner = DemoData.ApplicationOwner,
        Window = new ChangeWindow(start, start.AddHours(2), DemoData.TimeZoneId),
        Justification = "Vendor signature update.",
        Impact = new ImpactAssessment { ServiceIds = services, ConfigurationItemIds = items ?? [] },
        ImplementationPlan = new([new(start, "Push the update from the console", "Sysadmin", RequiredToProceed: true), new(start.AddMinutes(30), "Check the console reports", "Sysadmin")]),
    };

    /// <summary>A normal or emergency change with the full dossier: two steps (the first a checkpoint), a decision point 3 h in.</summary>
    public static ChangeRequest Full(ChangeType type, DateTimeOffset start, string[] items, RiskImpact impact = RiskImpact.Medium, ChangeCategory category = ChangeCategory.Significant) => new()
    {
        Title = $"{type} change on {string.Join(", ", items)}",
        Type = type,
        Category = category,
        Requestor = DemoData.Requestor,
        ApplicationOwner = DemoData.ApplicationOwner,
        Window = new ChangeWindow(start, start.AddHours(6), DemoData.TimeZoneId),
        Justification = "Needed.",
        Impact = new ImpactAssessment { ConfigurationItemIds = items, ServiceIds = ["lims"], Duration = TimeSpan.FromHours(2) },
        RiskRegister = new RiskRegister([new RiskEntry("Service restart fails", RiskProbability.Low, impact, "Restart by hand")]),
        ImplementationPlan = new([new(start, "Apply", "Sysadmin", RequiredToProceed: true), new(start.AddMinutes(30), "Check", "IT Ops lead")]),
        RollbackDecisionPoint = start.AddHours(3),
        RollbackProcedure = new RollbackProcedure(["The check fails"], ["Revert", "Verify"], TimeSpan.FromMinutes(30)),
        PostImplementationReview = new PostImplementationReview { ScheduledAt = start.AddDays(3), Duration = TimeSpan.FromMinutes(30), Attendees = ["IT Ops lead"] },
    };
}
