using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Tests.Support;

namespace ChangeFlow.Domain.Tests.Changes;

/// <summary>The deadline rule and moving a change's dates live in the change itself, so every caller agrees.</summary>
public sealed class ChangeRequestMoveTests
{
    private static readonly ChangeRequest Seed = DemoData.Rfc2026014();

    [Fact]
    public void RollbackDeadline_IsTheDecisionPoint_ElseTheWindowEnd_ElseNone()
    {
        Assert.Equal(Wat.At(5, 24, 4), Seed.RollbackDeadline);
        Assert.Equal(Seed.Window!.End, (Seed with { RollbackDecisionPoint = null }).RollbackDeadline);
        Assert.Null((Seed with { RollbackDecisionPoint = null, Window = null }).RollbackDeadline);
    }

    [Fact]
    public void MovedTo_MovesThePlanTheDecisionPointAndTheReview_WithTheWindow()
    {
        var week = TimeSpan.FromDays(7);
        var later = new ChangeWindow(Seed.Window!.Start + week, Seed.Window.End + week, Seed.Window.TimeZoneId);

        var moved = Seed.MovedTo(later);

        Assert.Equal(later, moved.Window);
        Assert.Equal(Seed.RollbackDecisionPoint + week, moved.RollbackDecisionPoint);
        Assert.Equal(Seed.RollbackDeadline + week, moved.RollbackDeadline);
        Assert.Equal(Seed.ImplementationPlan.Steps.Select(s => s.PlannedAt + week), moved.ImplementationPlan.Steps.Select(s => s.PlannedAt));
        Assert.Same(Seed, Seed.MovedTo(Seed.Window));
    }
}
