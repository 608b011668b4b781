using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Domain.Tests.Demo;

public sealed class DemoDataTests
{
    private static readonly ChangeRequest Seed = DemoData.Rfc2026014();

    [Fact]
    public void Rfc2026014_HasTheSeedIdentification_WhenBuilt()
    {
        Assert.Equal("RFC-2026-014", Seed.Number.ToString());
        Assert.Equal("LIMS major version upgrade: v3.8 → v4.0", Seed.Title);
        Assert.Equal((ChangeType.Normal, ChangeCategory.Major), (Seed.Type, Seed.Category));
        Assert.Equal("Head of IT Operations", Seed.Requestor!.DisplayName);
        Assert.Equal("Director of Laboratory Services", Seed.ApplicationOwner!.DisplayName);
        Assert.Equal(ChangeState.New, Seed.State);
    }

    [Fact]
    public void Rfc2026014_IsSubmittedWhenTestClocksStart_WhenBuilt() =>
        Assert.Equal(EngineFixture.StartInstant, Seed.SubmittedAt);

    [Fact]
    public void Rfc2026014_HasTheSeedTimesInWat_WhenBuilt()
    {
        Assert.Equal("Sat 2026-05-23 22:00 → Sun 2026-05-24 06:00 Africa/Lagos (UTC+01:00)", Seed.Window!.ToLocalString());
        Assert.Equal(new DateTimeOffset(2026, 5, 24, 4, 0, 0, Wat.Offset), Seed.RollbackDecisionPoint);
        Assert.Equal(new DateTimeOffset(2026, 5, 13, 10, 0, 0, Wat.Offset), Seed.CabReviewAt);
        Assert.Equal(new DateTimeOffset(2026, 5, 25, 10, 0, 0, Wat.Offset), Seed.PostImplementationReview!.ScheduledAt);
        Assert.Equal(TimeSpan.FromMinutes(30), Seed.PostImplementationReview.Duration);
        Assert.Equal(TimeSpan.FromMinutes(45), Seed.RollbackProcedure!.EstimatedDuration);
    }

    [Fact]
    public void Rfc2026014_HasTheSeedPlan_WhenBuilt()
    {
        var steps = Seed.ImplementationPlan.Steps;

        Assert.Equal(12, steps.Count);
        Assert.Equal(new DateTimeOffset(2026, 5, 23, 21, 30, 0, Wat.Offset), steps[0].PlannedAt);
        Assert.Equal(new DateTimeOffset(2026, 5, 24, 2, 0, 0, Wat.Offset), steps[^1].PlannedAt);
        Assert.Equal(
            ["21:30", "22:05", "22:35", "23:40", "00:30", "01:00"],
            Seed.ImplementationPlan.Checkpoints.Select(step => step.PlannedAt.ToOffset(Wat.Offset).ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(8, Seed.RollbackProcedure!.Steps.Count);
        Assert.Equal(2, Seed.RollbackProcedure.TriggerConditions.Count);
    }

    [Fact]
    public void Rfc2026014_HasTheSeedImpact_WhenBuilt()
    {
        var impact = Seed.Impact!;

        Assert.Equal(["lims-prod-01", "lims-prod-02", "lims-db-01", "lims-surveillance-bridge"], impact.ConfigurationItemIds);
        Assert.Equal(65, impact.UsersAffected);
        Assert.Equal(["Virology", "Bacteriology", "Epidemiology", "Quality"], impact.UserGroups);
        Assert.Equal(6, impact.BusinessProcesses.Count);
        Assert.Equal("surveillance-platform", Assert.Single(impact.DownstreamServices).ServiceId);
        Assert.Equal(TimeSpan.FromHours(8), impact.Duration);
    }

    [Fact]
    public void Rfc2026014_HasFourCommunicationRowsAndSevenAgendaItems_WhenBuilt()
    {
        Assert.Equal(["All LIMS users", "Lab managers", "Surveillance team", "All stakeholders"], Seed.CommunicationPlan.Select(row => row.Audience));
        Assert.Equal(7, Seed.PostImplementationReview!.AgendaItems.Count);
        Assert.Equal(6, Seed.PostImplementationReview.Attendees.Count);
    }

    [Fact]
    public void CabBoard_MeetsWednesdays1000Wat_WhenBuilt()
    {
        var board = DemoData.CabBoard();

        Assert.Equal((DayOfWeek.Wednesday, new TimeOnly(10, 0), "Africa/Lagos"), (board.Schedule.Day, board.Schedule.LocalTime, board.Schedule.TimeZoneId));
        Assert.Empty(board.Schedule.Validate());
        Assert.Equal(DayOfWeek.Wednesday, new DateOnly(2026, 5, 13).DayOfWeek);
    }

    [Fact]
    public void Rfc2026014_ReturnsAFreshDossier_WhenCalledTwice() =>
        Assert.NotSame(DemoData.Rfc2026014(), DemoData.Rfc2026014());
}
