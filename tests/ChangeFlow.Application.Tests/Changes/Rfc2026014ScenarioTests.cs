using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Engine.Execution;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Changes;

/// <summary>
/// The seed's worked case, RFC-2026-014 (LIMS v3.8 → v4.0), on the simulated clock with the seed's own dates and
/// times: submitted Sunday 2026-05-03 09:00 WAT, on the 2026-05-13 CAB agenda, approved, window Saturday 22:00 →
/// Sunday 06:00 WAT, steps and checkpoints, then (a) validated: Successful, PIR Monday 10:00; (b) not validated by
/// 04:00: automatic rollback at 04:00, Rolled back, PIR mandatory.
/// </summary>
public sealed class Rfc2026014ScenarioTests : ChangeTestBase
{
    [Fact]
    public async Task StepProgress_IsKeptInPlanOrder_WhateverOrderTheStepsAreReportedIn()
    {
        var number = await ApprovedAndImplementingAsync();
        var plan = DemoData.Rfc2026014().ImplementationPlan;

        await H.ReportAsync(number, plan.IdOf(3));
        await H.ReportAsync(number, plan.IdOf(1), StepStatus.Failed, note: "Banner did not show");
        await H.ReportAsync(number, plan.IdOf(2));
        await H.ReportAsync(number, plan.IdOf(1), note: "Banner shown after a cache flush");

        var change = await H.ChangeAsync(number);
        Assert.Equal([plan.IdOf(0), plan.IdOf(1), plan.IdOf(2), plan.IdOf(3)], change.Steps.Select(p => p.StepId));
        Assert.Equal(StepStatus.Done, change.Steps[1].Status);
    }

    [Fact]
    public async Task Rfc2026014_IsSuccessfulWithPirMondayTen_WhenValidatedBeforeTheDecisionPoint()
    {
        var number = await ApprovedAndImplementingAsync();
        for (var i = 1; i < 12; i++)
        {
            await H.AdvanceToAsync(DemoData.Rfc2026014().ImplementationPlan.Steps[i].PlannedAt);
            await H.ReportAsync(number, DemoData.Rfc2026014().ImplementationPlan.IdOf(i));
        }

        var validated = await H.Changes.ValidateAsync(number, ChangeState.Implement, "Lab manager created a sample, entered a result, generated a report", Implementer, H.RolesOf(Implementer), Ct);
        Assert.True(validated.IsOk, validated.Message);

        var change = await H.ChangeAsync(number);
        Assert.Equal(ChangeState.Review, change.Change.State);
        Assert.Equal(ChangeOutcome.Successful, change.Change.Outcome);
        Assert.Equal(Wat(5, 25, 10), change.Change.PostImplementationReview!.ScheduledAt);
        Assert.DoesNotContain(await H.TimelineAsync(number), e => e.Action == "rollback.started");

        await H.CompleteAsync(number, ChangeManager, "Held", data: new JsonObject
        {
            ["findings"] = new JsonArray("The schema migration took 50 minutes, not 45: time it on a production-size copy", "Quality's report templates needed a second sign-off"),
        });

        change = await H.ChangeAsync(number);
        Assert.Equal(ChangeState.Closed, change.Change.State);
        Assert.Equal(ChangeOutcome.Successful, change.Change.Outcome);
        Assert.Equal(["CIR-2026-001", "CIR-2026-002"], H.Ports.Improvements.All.Select(i => i.Number));
        Assert.All(H.Ports.Improvements.All, i => Assert.Equal(number, i.Item.SourceChange.ToString()));
        Assert.Equal(2, change.Change.PostImplementationReview!.Findings.Count);
        Assert.Equal(WorkflowStatus.Finished, await H.HealthyStatusAsync(number));
    }

    [Fact]
    public async Task Rfc2026014_RollsBackAutomaticallyAtFour_WhenNotValidatedByTheDecisionPoint()
    {
        var number = await ApprovedAndImplementingAsync();
        for (var i = 1; i < 9; i++)
        {
            await H.AdvanceToAsync(DemoData.Rfc2026014().ImplementationPlan.Steps[i].PlannedAt);
            await H.ReportAsync(number, DemoData.Rfc2026014().ImplementationPlan.IdOf(i));
        }

        // The lab manager's validation (step 10) never comes; nobody is online at 04:00.
        await H.AdvanceToAsync(Wat(5, 24, 4, 0));

        var timeline = await H.TimelineAsync(number);
        var rollback = Assert.Single(timeline, e => e.Action == "rollback.started");
        Assert.Equal(Wat(5, 24, 4, 0), rollback.At);
        Assert.Equal("system", rollback.Actor);
        Assert.Contains("Not validated by the hard rollback decision point", rollback.Summary, StringComparison.Ordinal);
        Assert.Single(timeline, e => e.Action == "rollback-decision.rollback" && e.At == Wat(5, 24, 4, 0));
        var validateTooLate = await H.Changes.ValidateAsync(number, ChangeState.Implement, null, Implementer, H.RolesOf(Implementer), Ct);
        Assert.NotEqual(Application.Common.CommandStatus.Ok, validateTooLate.Status);

        for (var i = 0; i < 8; i++)
        {
            await H.AdvanceToAsync(Wat(5, 24, 4, 5 * (i + 1)));
            await H.ReportAsync(number, ChangeStimuli.RollbackStepId(i));
        }

        var change = await H.ChangeAsync(number);
        Assert.Equal(ChangeState.Review, change.Change.State);
        Assert.Equal(ChangeOutcome.RolledBack, change.Change.Outcome);
        Assert.Equal(Wat(5, 25, 10), change.Change.PostImplementationReview!.ScheduledAt);
        var pir = Assert.Single(await H.TimelineAsync(number), e => e.Action == "pir.scheduled");
        Assert.True(pir.Data!["mandatory"]!.GetValue<bool>());
        Assert.Single(H.OpenTasks(number), t => t.Kind == "PostImplementationReview" && t.AssigneeUserId == ChangeManager);

        await H.CompleteAsync(number, ChangeManager, "Held", data: new JsonObject { ["findings"] = new JsonArray("Run the full migration rehearsal before rescheduling") });
        change = await H.ChangeAsync(number);
        Assert.Equal(ChangeState.Closed, change.Change.State);
        Assert.Equal(ChangeOutcome.RolledBack, change.Change.Outcome);
        Assert.Equal(WorkflowStatus.Finished, await H.HealthyStatusAsync(number));
    }

    /// <summary>Submits the seed's RFC as RFC-2026-014, has the CAB and the high-risk stage approve it, opens the window.</summary>
    private async Task<string> ApprovedAndImplementingAsync()
    {
        // Thirteen RFCs were raised earlier in 2026; numbers are never reused, so this one is the 14th.
        for (var i = 0; i < 13; i++)
        {
            await H.Ports.Changes.AllocateNumberAsync(2026, Ct);
        }

        Assert.Equal(Wat(5, 3, 9), H.Clock.GetUtcNow());
        var submitted = await H.CreateAndSubmitAsync(SeedDossier());
        var number = submitted.Number;
        Assert.Equal("RFC-2026-014", number);

        var change = await H.ChangeAsync(number);
        Assert.Equal(ChangeState.Authorize, change.Change.State);
        Assert.Equal("normal-change", change.WorkflowDefinitionId);
        Assert.Equal("cab-main", change.CabBoardId);
        Assert.Equal(Wat(5, 13, 10), change.CabMeetingAt);
        Assert.Equal(Wat(5, 13, 10), change.Change.CabReviewAt);

        // The requestor sits on the CAB but gets no vote on their own change.
        var votes = H.OpenTasks(number);
        Assert.Equal([ChangeManager, Owner, Quality, ChangeHarness.Security], votes.Select(t => t.AssigneeUserId).Order(StringComparer.Ordinal));
        Assert.All(votes, t => Assert.Equal(Wat(5, 14, 10), t.DueAt));

        await H.AdvanceToAsync(Wat(5, 13, 10, 30));
        await H.CompleteAsync(number, ChangeManager, "Approved");
        await H.CompleteAsync(number, ChangeHarness.Security, "Approved");
        await H.CompleteAsync(number, Quality, "Approved");

        // Majority of four reached; the owner's CAB vote is no longer needed. High risk adds the extra stage.
        var extra = H.OpenTasks(number);
        Assert.Equal([ChangeManager, Owner], extra.Select(t => t.AssigneeUserId).Order(StringComparer.Ordinal));
        await H.CompleteAsync(number, ChangeManager, "Approved");
        await H.CompleteAsync(number, Owner, "Approved");
        Assert.Equal(ChangeState.Scheduled, (await H.ChangeAsync(number)).Change.State);

        await H.AdvanceToAsync(Wat(5, 23, 21, 30));
        await H.ReportAsync(number, DemoData.Rfc2026014().ImplementationPlan.IdOf(0), by: Requestor);
        Assert.Equal(ChangeState.Scheduled, (await H.ChangeAsync(number)).Change.State);

        await H.AdvanceToAsync(Wat(5, 23, 22, 0));
        change = await H.ChangeAsync(number);
        Assert.Equal(ChangeState.Implement, change.Change.State);
        Assert.Equal(WorkflowStatus.Suspended, await H.HealthyStatusAsync(number));
        return number;
    }
}
