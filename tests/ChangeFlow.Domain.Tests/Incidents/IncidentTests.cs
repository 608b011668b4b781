using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Tests.Support;
using ChangeFlow.Domain.Tests.Time;

namespace ChangeFlow.Domain.Tests.Incidents;

public sealed class IncidentTests
{
    private static readonly ChangeFlow.Domain.Time.BusinessCalendar Office = BusinessCalendarTests.Office();

    private static SlaPlan Plan(Priority priority) => priority switch
    {
        Priority.P1 => new SlaPlan(priority, SlaTarget.Within(TimeSpan.FromHours(1), SlaHours.Always), SlaTarget.Within(TimeSpan.FromHours(4), SlaHours.Always), Office),
        Priority.P2 => new SlaPlan(priority, SlaTarget.Within(TimeSpan.FromHours(2)), SlaTarget.Within(TimeSpan.FromHours(4)), Office),
        _ => new SlaPlan(priority, SlaTarget.Within(TimeSpan.FromHours(4)), SlaTarget.BusinessDays(1), Office),
    };

    private static Incident Logged(DateTimeOffset at) =>
        Incident.Open("INC-2026-0001", "LIMS is slow", IncidentSource.Api, at, "agent").Value
            .Log("Result entry takes a minute per sample", "application-support", "lab-tech", "lims-prod-01", Plan(Priority.P3), at, "agent").Value;

    private static Incident Prioritized(DateTimeOffset at, Impact impact = Impact.Medium, Urgency urgency = Urgency.High) =>
        Logged(at).Categorize("software", null, null, Plan(Priority.P3), at, "agent").Value
            .Prioritize(impact, urgency, PriorityMatrix.Default, Plan, at, "agent").Value;

    [Fact]
    public void Lifecycle_WalksTheSevenSteps_AndRecordsEachMove()
    {
        var at = Wat.At(5, 4, 9);
        var incident = Prioritized(at)
            .Acknowledge(Plan(Priority.P2), at.AddMinutes(30), "engineer").Value
            .Resolve("fixed", "Rebuilt the index", Plan(Priority.P2), at.AddHours(2), "engineer").Value
            .Close(ClosureKind.Confirmed, "Works again", "Watch the index size", "KB-0042", Plan(Priority.P2), at.AddHours(3), "lab-tech").Value;

        Assert.Equal(
            [IncidentState.Identified, IncidentState.Logged, IncidentState.Categorized, IncidentState.Prioritized, IncidentState.Diagnosis, IncidentState.Resolved, IncidentState.Closed],
            incident.History.Select(h => h.To));
        Assert.Equal(Priority.P2, incident.Priority);
        Assert.Equal("engineer", incident.AssigneeId);
        Assert.Equal(at.AddMinutes(30), incident.AcknowledgedAt);
        Assert.Equal(SlaClockStatus.Stopped, incident.ResponseClock!.Status);
        Assert.Equal(SlaClockStatus.Stopped, incident.ResolutionClock!.Status);
        Assert.Equal(TimeSpan.FromHours(2), incident.ResolutionClock.Used(at.AddDays(3), Office));
        Assert.Equal("KB-0042", incident.KnowledgeArticle);
        Assert.Equal(ClosureKind.Confirmed, incident.Closure!.Kind);
    }

    [Fact]
    public void Moves_TheLifecycleDoesNotAllow_AreRefusedWithTheAllowedOnes()
    {
        var at = Wat.At(5, 4, 9);
        var logged = Logged(at);

        var skipped = logged.Acknowledge(Plan(Priority.P3), at, "engineer");
        var early = logged.Prioritize(Impact.High, Urgency.High, PriorityMatrix.Default, Plan, at, "agent");
        var closedEarly = logged.Close(ClosureKind.ClosedByAgent, null, null, null, Plan(Priority.P3), at, "agent");

        Assert.Equal(ErrorCodes.NotAllowed, Assert.Single(skipped.Errors).Code);
        Assert.Contains("Categorized", skipped.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.NotAllowed, Assert.Single(early.Errors).Code);
        Assert.Equal(ErrorCodes.NotAllowed, Assert.Single(closedEarly.Errors).Code);
    }

    [Fact]
    public void Log_NamesEveryMissingField()
    {
        var opened = Incident.Open("INC-2026-0002", "Printer", IncidentSource.Phone, Wat.At(5, 4, 9), "agent").Value;

        var result = opened.Log(" ", null, "", null, Plan(Priority.P3), Wat.At(5, 4, 9), "agent");

        Assert.Equal(["description", "reporter", "serviceId"], result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Prioritize_Later_RetargetsTheClocks_WithoutResettingThem()
    {
        var at = Wat.At(5, 4, 9);
        var incident = Prioritized(at, Impact.Low, Urgency.Low).Acknowledge(Plan(Priority.P4), at.AddHours(1), "engineer").Value;
        Assert.Equal(Priority.P4, incident.Priority);
        Assert.Equal(Wat.At(5, 5, 9), incident.ResolutionClock!.DueAt(1, Office));

        var raised = incident.Prioritize(Impact.High, Urgency.Medium, PriorityMatrix.Default, Plan, at.AddHours(2), "manager", "More labs affected").Value;

        Assert.Equal(Priority.P2, raised.Priority);
        Assert.Equal(IncidentState.Diagnosis, raised.State);
        Assert.Equal(Wat.At(5, 4, 13), raised.ResolutionClock!.DueAt(1, Office));
    }

    [Fact]
    public void Assign_ChangesTheGroup_ButNeverTheClocks()
    {
        var at = Wat.At(5, 4, 9);
        var incident = Prioritized(at);
        var due = incident.ResolutionClock!.DueAt(1, Office);

        var reassigned = incident.Assign("network", null, at.AddHours(1), "agent").Value.Assign(null, "net-engineer", at.AddHours(2), "agent").Value;

        Assert.Equal("network", reassigned.AssignmentGroup);
        Assert.Equal("net-engineer", reassigned.AssigneeId);
        Assert.Equal(incident.ResolutionClock, reassigned.ResolutionClock);
        Assert.Equal(due, reassigned.ResolutionClock!.DueAt(1, Office));
    }

    [Fact]
    public void Hold_PausesTheClocks_WhenConfiguredSo_AndResumeReturnsToTheFormerState()
    {
        var at = Wat.At(5, 4, 9);
        var diagnosing = Prioritized(at).Acknowledge(Plan(Priority.P2), at, "engineer").Value;
        Assert.Equal(Wat.At(5, 4, 13), diagnosing.ResolutionClock!.DueAt(1, Office));

        var waiting = diagnosing.Hold(IncidentState.AwaitingUser, "Which sample ids?", pausesClocks: true, Plan(Priority.P2), at.AddHours(1), "engineer").Value;
        Assert.Null(waiting.ResolutionClock!.DueAt(1, Office));
        var vendor = waiting.Hold(IncidentState.PendingVendor, "Vendor ticket 8812", pausesClocks: true, Plan(Priority.P2), at.AddHours(2), "engineer").Value;
        Assert.Equal(IncidentState.Diagnosis, vendor.ResumeState);

        var back = vendor.Resume(Wat.At(5, 5, 8), "engineer").Value;
        Assert.Equal(IncidentState.Diagnosis, back.State);
        Assert.Equal(Wat.At(5, 5, 11), back.ResolutionClock!.DueAt(1, Office));

        var notPausing = diagnosing.Hold(IncidentState.AwaitingUser, "Reply needed", pausesClocks: false, Plan(Priority.P2), at.AddHours(1), "engineer").Value;
        Assert.Equal(Wat.At(5, 4, 13), notPausing.ResolutionClock!.DueAt(1, Office));
    }

    [Fact]
    public void Reopen_RunsTheResolutionClockOnFromWhereItPaused()
    {
        var at = Wat.At(5, 4, 9);
        var resolved = Prioritized(at).Acknowledge(Plan(Priority.P2), at, "engineer").Value
            .Resolve("fixed", "Restarted", Plan(Priority.P2), at.AddHours(1), "engineer").Value;
        Assert.Equal(SlaClockStatus.Paused, resolved.ResolutionClock!.Status);

        var reopened = resolved.Reopen("Still slow", Wat.At(5, 4, 15), "lab-tech").Value;

        Assert.Equal(IncidentState.Diagnosis, reopened.State);
        Assert.Equal(1, reopened.ReopenCount);
        Assert.Equal(Wat.At(5, 5, 9), reopened.ResolutionClock!.DueAt(1, Office));
    }

    [Fact]
    public void DeclareCrisis_OnlyForAP1WithHighImpact_AndOnlyOnce()
    {
        var at = Wat.At(5, 4, 9);

        var p2 = Prioritized(at, Impact.High, Urgency.Medium).DeclareCrisis("All labs down", at, "manager");
        var p1 = Prioritized(at, Impact.High, Urgency.High).DeclareCrisis("All labs down", at, "manager").Value;
        var twice = p1.DeclareCrisis("Again", at, "manager");

        Assert.Equal(ErrorCodes.NotAllowed, Assert.Single(p2.Errors).Code);
        Assert.Equal("manager", p1.Crisis!.By);
        Assert.Equal(ErrorCodes.Duplicate, Assert.Single(twice.Errors).Code);
    }

    [Fact]
    public void Escalate_Functionally_HandsTheIncidentToTheNextGroup_AndAppliesALevelOnce()
    {
        var at = Wat.At(5, 4, 9);
        var incident = Prioritized(at).Assign("service-desk", "agent", at, "agent").Value;
        var entry = new EscalationEntry("second-line", EscalationKind.Functional, at.AddHours(1), Incident.SystemActor, "resolution 50 % used", "service-desk", "application-support", [], Manual: false);

        var escalated = incident.Escalate(entry).Value;
        var again = escalated.Escalate(entry);

        Assert.Equal("application-support", escalated.AssignmentGroup);
        Assert.Null(escalated.AssigneeId);
        Assert.Equal(incident.ResolutionClock, escalated.ResolutionClock);
        Assert.Equal(ErrorCodes.Duplicate, Assert.Single(again.Errors).Code);
    }

    [Fact]
    public void Resolve_AtFirstContact_StopsTheResponseClockToo()
    {
        var at = Wat.At(5, 4, 9);

        var resolved = Prioritized(at).Resolve("fixed", "Cleared the browser cache", Plan(Priority.P2), at.AddMinutes(10), "agent").Value;

        Assert.Equal(at.AddMinutes(10), resolved.AcknowledgedAt);
        Assert.Equal(SlaClockStatus.Stopped, resolved.ResponseClock!.Status);
    }

    [Fact]
    public void TicketNumber_RoundTrips_AndRefusesOtherSpellings()
    {
        var number = TicketNumber.Create(TicketNumber.IncidentPrefix, 2026, 14).Value;

        Assert.Equal("INC-2026-0014", number.ToString());
        Assert.True(TicketNumber.Parse("INC", "INC-2026-0014").IsSuccess);
        Assert.False(TicketNumber.Parse("INC", "INC-2026-014").IsSuccess);
        Assert.False(TicketNumber.Parse("INC", "PRB-2026-0014").IsSuccess);
        Assert.False(TicketNumber.Parse("INC", "inc-2026-0014").IsSuccess);
        Assert.Equal("PRB-2026-123456", TicketNumber.Create(TicketNumber.ProblemPrefix, 2026, 123456).Value.ToString());
    }
}
