using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;

namespace ChangeFlow.Domain.Tests.Changes;

public sealed class ChangeRequestRestoreTests
{
    private static readonly ChangeRequest Seed = DemoData.Rfc2026014();

    [Fact]
    public void Restore_GivesTheStoredStateOutcomeAndHistory_WhenTheHistoryLeadsToTheState()
    {
        var moved = Seed.Transition(ChangeState.New, ChangeState.Assess, Seed.SubmittedAt.AddHours(1), "change-manager").Change;

        var restored = ChangeRequest.Restore(Seed, ChangeState.Assess, null, moved.History);

        Assert.True(restored.IsSuccess);
        Assert.Equal(ChangeState.Assess, restored.Value.State);
        Assert.Equal(moved.History, restored.Value.History);
    }

    [Fact]
    public void Restore_ReportsTheBrokenChain_WhenTheHistoryDoesNotLeadToTheState()
    {
        var at = Seed.SubmittedAt;
        StateTransition[] history = [new(ChangeState.New, ChangeState.Assess, at, "a"), new(ChangeState.Authorize, ChangeState.Scheduled, at.AddHours(-1), "b")];

        var restored = ChangeRequest.Restore(Seed, ChangeState.Closed, null, history);

        Assert.Equal(
            [("history[1].from", ErrorCodes.OutOfOrder), ("history[1].at", ErrorCodes.OutOfOrder), ("state", ErrorCodes.Conflict)],
            restored.Errors.Select(e => (e.Path, e.Code)));
    }

    [Fact]
    public void Validate_ReportsDuplicateStepIds_WhenTwoStepsShareAnId()
    {
        var steps = Seed.ImplementationPlan.Steps.ToList();
        steps[3] = steps[3] with { Id = steps[0].Id };

        var errors = ChangeRequestValidator.Default.Validate(Seed with { ImplementationPlan = new ImplementationPlan(steps) });

        var error = Assert.Single(errors);
        Assert.Equal(("implementationPlan.steps[3].id", ErrorCodes.Duplicate), (error.Path, error.Code));
    }

    [Fact]
    public void IdOf_GivesThePositionalId_WhenAStepHasNoId()
    {
        var plan = new ImplementationPlan([new ImplementationStep(Seed.SubmittedAt, "Patch", "DBA"), Seed.ImplementationPlan.Steps[0]]);

        Assert.Equal(["step-1", "pre-checks"], new[] { plan.IdOf(0), plan.IdOf(1) });
    }
}
