using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Risk;
using ChangeFlow.Domain.Tests.Support;

namespace ChangeFlow.Domain.Tests.Changes;

public sealed class ChangeRequestTests
{
    private const string ChangeManager = "change-manager";
    private static readonly DateTimeOffset Monday = Wat.At(5, 4, 9);

    [Fact]
    public void Transition_WalksTheNormalModel_WhenEveryMoveIsExpected()
    {
        var change = DemoData.Rfc2026014();
        (ChangeState From, ChangeState To, DateTimeOffset At, ChangeOutcome? Outcome)[] moves =
        [
            (ChangeState.New, ChangeState.Assess, Wat.At(5, 4, 9), null),
            (ChangeState.Assess, ChangeState.Authorize, Wat.At(5, 8, 9), null),
            (ChangeState.Authorize, ChangeState.Scheduled, Wat.At(5, 13, 11), null),
            (ChangeState.Scheduled, ChangeState.Implement, Wat.At(5, 23, 21, 30), null),
            (ChangeState.Implement, ChangeState.Review, Wat.At(5, 24, 2), ChangeOutcome.Successful),
            (ChangeState.Review, ChangeState.Closed, Wat.At(5, 25, 10, 30), ChangeOutcome.SuccessfulWithDeviations),
        ];

        foreach (var move in moves)
        {
            var result = change.Transition(move.From, move.To, move.At, ChangeManager, move.Outcome);
            Assert.True(result.IsApplied, string.Join("; ", result.Errors));
            change = result.Change;
        }

        Assert.Equal(ChangeState.Closed, change.State);
        Assert.Equal(ChangeOutcome.SuccessfulWithDeviations, change.Outcome);
        Assert.Equal(moves.Select(move => (move.From, move.To)), change.History.Select(entry => (entry.From, entry.To)));
        Assert.Equal(Wat.At(5, 24, 2), change.History[4].At);
        Assert.Equal(ChangeOutcome.Successful, change.History[4].Outcome);
    }

    [Fact]
    public void Transition_GoesStraightToScheduled_WhenChangeIsStandard()
    {
        var standard = StandardChange();

        var result = standard.Transition(ChangeState.New, ChangeState.Scheduled, Monday, ChangeManager);

        Assert.Equal(TransitionStatus.Applied, result.Status);
        Assert.Equal(ChangeState.Scheduled, result.Change.State);
    }

    [Fact]
    public void Transition_IsNotAllowed_WhenNormalChangeSkipsAuthorization()
    {
        var change = DemoData.Rfc2026014();

        var result = change.Transition(ChangeState.New, ChangeState.Scheduled, Monday, ChangeManager);

        Assert.Equal(TransitionStatus.NotAllowed, result.Status);
        Assert.Equal(("target", ErrorCodes.NotAllowed), (result.Errors[0].Path, result.Errors[0].Code));
        Assert.Same(change, result.Change);
        Assert.Equal(ChangeState.New, change.State);
    }

    [Fact]
    public void Transition_IsNotAllowed_WhenStandardChangeAsksForAssessment() =>
        Assert.Equal(TransitionStatus.NotAllowed, StandardChange().Transition(ChangeState.New, ChangeState.Assess, Monday, ChangeManager).Status);

    [Fact]
    public void Transition_SkipsAssess_WhenChangeIsEmergency()
    {
        var emergency = DemoData.Rfc2026014() with { Type = ChangeType.Emergency };

        Assert.Equal(TransitionStatus.NotAllowed, emergency.Transition(ChangeState.New, ChangeState.Assess, Monday, ChangeManager).Status);
        Assert.Equal(TransitionStatus.Applied, emergency.Transition(ChangeState.New, ChangeState.Authorize, Monday, ChangeManager).Status);
    }

    [Fact]
    public void Transition_IsAConflict_WhenCurrentStateIsNotTheExpectedOne()
    {
        var assessed = DemoData.Rfc2026014().Transition(ChangeState.New, ChangeState.Assess, Monday, ChangeManager).Applied();

        var result = assessed.Transition(ChangeState.New, ChangeState.Assess, Monday.AddMinutes(1), ChangeManager);

        Assert.Equal(TransitionStatus.Conflict, result.Status);
        Assert.Equal(("state", ErrorCodes.Conflict), (result.Errors[0].Path, result.Errors[0].Code));
        Assert.Single(result.Change.History);
    }

    [Fact]
    public void Transition_IsAConflictBeforeNotAllowed_WhenBothApply() =>
        Assert.Equal(
            TransitionStatus.Conflict,
            DemoData.Rfc2026014().Transition(ChangeState.Implement, ChangeState.Closed, Monday, ChangeManager).Status);

    [Fact]
    public void Transition_IsInvalidWithDossierErrors_WhenLeavingNewWithAnIncompleteDossier()
    {
        var draft = DemoData.Rfc2026014() with { Justification = "", RollbackProcedure = null };

        var result = draft.Transition(ChangeState.New, ChangeState.Assess, Monday, ChangeManager);

        Assert.Equal(TransitionStatus.Invalid, result.Status);
        Assert.Equal(["justification", "rollbackProcedure"], result.Errors.Select(error => error.Path));
        Assert.Equal(ChangeState.New, result.Change.State);
    }

    [Fact]
    public void Transition_Cancels_WhenDossierIsIncomplete()
    {
        var draft = DemoData.Rfc2026014() with { Justification = "" };

        var result = draft.Transition(ChangeState.New, ChangeState.Canceled, Monday, ChangeManager, note: "Vendor postponed v4.0");

        Assert.Equal(ChangeState.Canceled, result.Change.State);
        Assert.Equal("Vendor postponed v4.0", result.Change.History[0].Note);
    }

    [Theory]
    [InlineData(ChangeState.Canceled)]
    [InlineData(ChangeState.Rejected)]
    public void Transition_RequiresANote_WhenRejectingOrCanceling(ChangeState target)
    {
        var assessed = DemoData.Rfc2026014().Transition(ChangeState.New, ChangeState.Assess, Monday, ChangeManager).Applied();

        var result = assessed.Transition(ChangeState.Assess, target, Monday.AddHours(1), ChangeManager);

        Assert.Equal(TransitionStatus.Invalid, result.Status);
        Assert.Equal("note", Assert.Single(result.Errors).Path);
    }

    [Fact]
    public void Transition_RequiresAnOutcome_WhenLeavingImplement()
    {
        var implementing = Implementing(DemoData.Rfc2026014());

        var result = implementing.Transition(ChangeState.Implement, ChangeState.Review, Wat.At(5, 24, 2), ChangeManager);

        Assert.Equal(TransitionStatus.Invalid, result.Status);
        Assert.Equal(("outcome", ErrorCodes.Required), (result.Errors[0].Path, result.Errors[0].Code));
    }

    [Fact]
    public void Transition_RefusesAnOutcome_WhenNotLeavingImplementOrReview()
    {
        var result = DemoData.Rfc2026014().Transition(ChangeState.New, ChangeState.Assess, Monday, ChangeManager, ChangeOutcome.Successful);

        Assert.Equal(("outcome", ErrorCodes.NotAllowed), (result.Errors[0].Path, result.Errors[0].Code));
    }

    [Fact]
    public void Transition_KeepsTheOutcome_WhenReviewDoesNotRevisit()
    {
        var reviewed = Implementing(DemoData.Rfc2026014())
            .Transition(ChangeState.Implement, ChangeState.Review, Wat.At(5, 24, 4, 45), ChangeManager, ChangeOutcome.RolledBack).Applied()
            .Transition(ChangeState.Review, ChangeState.Closed, Wat.At(5, 25, 10, 30), ChangeManager).Applied();

        Assert.Equal(ChangeOutcome.RolledBack, reviewed.Outcome);
    }

    [Fact]
    public void Transition_IsNotAllowed_WhenCancelingDuringImplementation()
    {
        var result = Implementing(DemoData.Rfc2026014())
            .Transition(ChangeState.Implement, ChangeState.Canceled, Wat.At(5, 23, 23), ChangeManager, note: "abort");

        Assert.Equal(TransitionStatus.NotAllowed, result.Status);
    }

    [Fact]
    public void Transition_IsInvalid_WhenInstantGoesBackwards()
    {
        var assessed = DemoData.Rfc2026014().Transition(ChangeState.New, ChangeState.Assess, Monday, ChangeManager).Applied();

        var result = assessed.Transition(ChangeState.Assess, ChangeState.Authorize, Monday.AddMinutes(-1), ChangeManager);

        Assert.Equal(("at", ErrorCodes.OutOfOrder), (result.Errors[0].Path, result.Errors[0].Code));
    }

    [Fact]
    public void Transition_IsInvalid_WhenNobodyMakesTheMove() =>
        Assert.Equal("by", Assert.Single(DemoData.Rfc2026014().Transition(ChangeState.New, ChangeState.Assess, Monday, " ").Errors).Path);

    [Fact]
    public void Transition_IsNotAllowed_WhenChangeIsClosed()
    {
        var closed = Implementing(DemoData.Rfc2026014())
            .Transition(ChangeState.Implement, ChangeState.Review, Wat.At(5, 24, 2), ChangeManager, ChangeOutcome.Successful).Applied()
            .Transition(ChangeState.Review, ChangeState.Closed, Wat.At(5, 25, 10, 30), ChangeManager).Applied();

        Assert.Empty(ChangeLifecycle.AllowedTargets(ChangeType.Normal, ChangeState.Closed));
        Assert.Equal(TransitionStatus.NotAllowed, closed.Transition(ChangeState.Closed, ChangeState.Review, Wat.At(5, 26, 9), ChangeManager).Status);
    }

    private static ChangeRequest StandardChange() => DemoData.Rfc2026014() with
    {
        Type = ChangeType.Standard,
        Category = ChangeCategory.Minor,
        RollbackDecisionPoint = null,
        RiskRegister = RiskRegister.Empty,
    };

    private static ChangeRequest Implementing(ChangeRequest change) => change
        .Transition(ChangeState.New, ChangeState.Assess, Wat.At(5, 4, 9), ChangeManager).Applied()
        .Transition(ChangeState.Assess, ChangeState.Authorize, Wat.At(5, 8, 9), ChangeManager).Applied()
        .Transition(ChangeState.Authorize, ChangeState.Scheduled, Wat.At(5, 13, 11), ChangeManager).Applied()
        .Transition(ChangeState.Scheduled, ChangeState.Implement, Wat.At(5, 23, 21, 30), ChangeManager).Applied();
}
