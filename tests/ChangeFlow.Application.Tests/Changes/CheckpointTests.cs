using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Domain.Changes;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Changes;

/// <summary>A required checkpoint that fails and is not resolved within the configured time (the seed: 30 min) takes the rollback path.</summary>
public sealed class CheckpointTests : ChangeTestBase
{
    [Fact]
    public async Task AwaitCheckpoints_TakesTheRollbackPath_WhenAFailedCheckpointIsNotResolvedWithin30Minutes()
    {
        var number = await ImplementingAsync();
        await H.AdvanceToAsync(Wat(5, 3, 12, 10));
        await H.ReportAsync(number, "step-1", StepStatus.Failed, note: "Service did not come back");
        Assert.Contains(await H.TimelineAsync(number), e => e.Action == "checkpoint.failed");

        await H.AdvanceToAsync(Wat(5, 3, 12, 39));
        Assert.DoesNotContain(await H.TimelineAsync(number), e => e.Action == "rollback.started");

        await H.AdvanceToAsync(Wat(5, 3, 12, 45));
        var rollback = Assert.Single(await H.TimelineAsync(number), e => e.Action == "rollback.started");
        Assert.Equal(Wat(5, 3, 12, 40), rollback.At);
        Assert.Contains("not resolved within 30 minutes", rollback.Summary, StringComparison.Ordinal);

        // The decision point's branch lost the race and its 15:00 timer is gone.
        var timers = await H.Instances.ListDueTimersAsync(DateTimeOffset.MaxValue, 10, Ct);
        Assert.DoesNotContain(timers, t => t.DueAt == Wat(5, 3, 15));

        await H.ReportAsync(number, "rb-1");
        await H.ReportAsync(number, "rb-2");
        var change = await H.ChangeAsync(number);
        Assert.Equal(ChangeOutcome.RolledBack, change.Change.Outcome);
        Assert.Equal(ChangeState.Review, change.Change.State);
    }

    [Fact]
    public async Task AwaitCheckpoints_CarriesOn_WhenAFailedCheckpointIsResolvedInTime()
    {
        var number = await ImplementingAsync();
        await H.AdvanceToAsync(Wat(5, 3, 12, 10));
        await H.ReportAsync(number, "step-1", StepStatus.Failed, note: "Service did not come back");
        await H.AdvanceToAsync(Wat(5, 3, 12, 25));
        await H.ReportAsync(number, "step-1", note: "Restarted by hand");

        await H.AdvanceToAsync(Wat(5, 3, 12, 50));
        await H.ReportAsync(number, "step-2");
        Assert.DoesNotContain(await H.TimelineAsync(number), e => e.Action == "rollback.started");
        Assert.Contains(await H.TimelineAsync(number), e => e.Action == "checkpoints.completed");
        Assert.True((await H.Changes.ValidateAsync(number, ChangeState.Implement, null, Implementer, H.RolesOf(Implementer), Ct)).IsOk);
        Assert.Equal(ChangeOutcome.Successful, (await H.ChangeAsync(number)).Change.Outcome);
    }

    [Fact]
    public async Task ValidateAsync_IsInvalid_WhileStepsAreNotDone()
    {
        var number = await ImplementingAsync();

        var result = await H.Changes.ValidateAsync(number, ChangeState.Implement, null, Implementer, H.RolesOf(Implementer), Ct);

        Assert.Equal(Application.Common.CommandStatus.Invalid, result.Status);
        Assert.Equal("steps", Assert.Single(result.Errors).Path);
    }

    private async Task<string> ImplementingAsync()
    {
        var change = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Emergency, Wat(5, 3, 12), ["lims-db-01"]));
        await H.CompleteAsync(change.Number, ChangeManager, "Approved");
        await H.AdvanceToAsync(Wat(5, 3, 12));
        Assert.Equal(ChangeState.Implement, (await H.ChangeAsync(change.Number)).Change.State);
        return change.Number;
    }
}
