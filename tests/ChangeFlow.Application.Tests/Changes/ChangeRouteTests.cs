using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Engine.Execution;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Changes;

/// <summary>Each change type's route through the shipped workflows, chosen by the routing table.</summary>
public sealed class ChangeRouteTests : ChangeTestBase
{
    [Fact]
    public async Task Standard_GoesStraightToScheduled_AndClosesWithoutReview_WhenItInstantiatesATemplate()
    {
        var start = Wat(5, 5, 20);
        var change = await H.CreateAndSubmitAsync(Dossiers.Standard(start, ["workstations"]), templateId: "antivirus-update");

        Assert.Equal("standard-change", change.WorkflowDefinitionId);
        Assert.Equal(ChangeState.Scheduled, (await H.ChangeAsync(change.Number)).Change.State);
        Assert.Empty(H.OpenTasks(change.Number));

        await H.AdvanceToAsync(start);
        Assert.Equal(ChangeState.Implement, (await H.ChangeAsync(change.Number)).Change.State);
        await H.ReportAsync(change.Number, "step-1");
        await H.ReportAsync(change.Number, "step-2");
        Assert.True((await H.Changes.ValidateAsync(change.Number, ChangeState.Implement, null, Implementer, H.RolesOf(Implementer), Ct)).IsOk);

        var done = await H.ChangeAsync(change.Number);
        Assert.Equal(ChangeState.Closed, done.Change.State);
        Assert.Equal(ChangeOutcome.Successful, done.Change.Outcome);
        Assert.Contains(await H.TimelineAsync(change.Number), e => e.Action == "pir.not-required");
        Assert.Equal(WorkflowStatus.Finished, await H.HealthyStatusAsync(change.Number));
    }

    [Fact]
    public async Task SubmitStandard_IsInvalid_WithoutATemplateOrAboveItsRisk()
    {
        var created = await H.Changes.CreateAsync(Dossiers.Standard(Wat(5, 5, 20), ["workstations"]), null, Requestor, H.RolesOf(Requestor), Ct);
        var submitted = await H.Changes.SubmitAsync(created.Value!.Number, ChangeState.New, Requestor, H.RolesOf(Requestor), Ct);
        Assert.Equal(CommandStatus.Invalid, submitted.Status);
        Assert.Equal("templateId", Assert.Single(submitted.Errors).Path);

        var risky = Dossiers.Standard(Wat(5, 5, 20), ["workstations"]) with
        {
            RiskRegister = new([new("Console outage", Domain.Risk.RiskProbability.Medium, Domain.Risk.RiskImpact.High, "Retry")]),
        };
        created = await H.Changes.CreateAsync(risky, "antivirus-update", Requestor, H.RolesOf(Requestor), Ct);
        submitted = await H.Changes.SubmitAsync(created.Value!.Number, ChangeState.New, Requestor, H.RolesOf(Requestor), Ct);
        Assert.Equal(CommandStatus.Invalid, submitted.Status);
        Assert.Equal("riskRegister", Assert.Single(submitted.Errors).Path);
        Assert.Null((await H.ChangeAsync(created.Value.Number)).WorkflowInstanceId);
    }

    [Fact]
    public async Task Normal_IsRejected_WhenTheCabRejectsWithAComment()
    {
        var change = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["lims-prod-02"]));
        Assert.Equal("normal-change", change.WorkflowDefinitionId);
        Assert.Equal(Wat(5, 13, 10), (await H.ChangeAsync(change.Number)).CabMeetingAt);

        await H.CompleteAsync(change.Number, ChangeManager, "Rejected", "Move it after the quarterly audit");
        await H.CompleteAsync(change.Number, ChangeHarness.Security, "Rejected", "Agreed");

        // Two rejections out of four eligible voters: a majority can no longer approve.

        var rejected = await H.ChangeAsync(change.Number);
        Assert.Equal(ChangeState.Rejected, rejected.Change.State);
        Assert.Empty(H.OpenTasks(change.Number));
        Assert.Equal(WorkflowStatus.Finished, await H.HealthyStatusAsync(change.Number));
    }

    [Fact]
    public async Task Normal_EscalatesToTheChangeManager_WhenTheCabDoesNotDecideByTheDeadline()
    {
        var change = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["lims-prod-02"]));

        await H.AdvanceToAsync(Wat(5, 14, 10));

        var escalation = Assert.Single(H.OpenTasks(change.Number));
        Assert.Equal(ChangeManager, escalation.AssigneeUserId);
        Assert.Equal(Wat(5, 20, 10), escalation.DueAt);
        await H.CompleteAsync(change.Number, ChangeManager, "Approved");
        Assert.Equal(ChangeState.Scheduled, (await H.ChangeAsync(change.Number)).Change.State);
    }

    [Fact]
    public async Task Normal_IsRejected_WhenNobodyDecidesByTheLastDeadline()
    {
        var change = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["lims-prod-02"]));

        await H.AdvanceToAsync(Wat(5, 20, 10));

        var rejected = await H.ChangeAsync(change.Number);
        Assert.Equal(ChangeState.Rejected, rejected.Change.State);
        Assert.Contains("No decision by the deadline", rejected.Change.History[^1].Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Emergency_FastTracksThroughTheEcab_AndMakesThePirMandatory()
    {
        var start = Wat(5, 3, 12);
        var change = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Emergency, start, ["lims-db-01"]));
        Assert.Equal("emergency-change", change.WorkflowDefinitionId);
        Assert.Equal(ChangeState.Authorize, (await H.ChangeAsync(change.Number)).Change.State);

        var ecab = H.OpenTasks(change.Number);
        Assert.Equal([ChangeManager, Owner, ChangeHarness.Security], ecab.Select(t => t.AssigneeUserId).Order(StringComparer.Ordinal));
        Assert.All(ecab, t => Assert.Equal(Wat(5, 3, 13), t.DueAt));
        await H.CompleteAsync(change.Number, ChangeHarness.Security, "Approved");
        Assert.Equal(ChangeState.Scheduled, (await H.ChangeAsync(change.Number)).Change.State);

        await H.AdvanceToAsync(start);
        await H.ReportAsync(change.Number, "step-1");
        await H.AdvanceToAsync(start.AddMinutes(30));
        await H.ReportAsync(change.Number, "step-2");
        Assert.True((await H.Changes.ValidateAsync(change.Number, ChangeState.Implement, null, Implementer, H.RolesOf(Implementer), Ct)).IsOk);

        var reviewed = await H.ChangeAsync(change.Number);
        Assert.Equal(ChangeState.Review, reviewed.Change.State);
        Assert.Equal(ChangeOutcome.Successful, reviewed.Change.Outcome);
        // The review is held when the dossier plans it (three days after the start), as every message says.
        Assert.Equal(start.AddDays(3), reviewed.Change.PostImplementationReview!.ScheduledAt);
        Assert.True(Assert.Single(await H.TimelineAsync(change.Number), e => e.Action == "pir.scheduled").Data!["mandatory"]!.GetValue<bool>());
        await H.CompleteAsync(change.Number, ChangeManager, "Held", data: new JsonObject { ["findings"] = new JsonArray() });
        Assert.Equal(ChangeState.Closed, (await H.ChangeAsync(change.Number)).Change.State);
    }

    [Fact]
    public async Task Emergency_EscalatesToTheChangeManager_WhenTheEcabIsSilentForFourHours()
    {
        var change = await H.CreateAndSubmitAsync(Dossiers.Full(ChangeType.Emergency, Wat(5, 3, 18), ["lims-db-01"]));

        await H.AdvanceToAsync(Wat(5, 3, 13));

        var escalation = Assert.Single(H.OpenTasks(change.Number));
        Assert.Equal(ChangeManager, escalation.AssigneeUserId);
        Assert.Equal(3, H.Ports.Tasks.All.Count(t => t.Status == Tasks.HumanTaskStatus.Expired));
    }

    [Fact]
    public async Task Commands_ReturnTypedResults_ForStaleStatesUnknownChangesAndForbiddenCallers()
    {
        var created = await H.Changes.CreateAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["lims-prod-02"]), null, Requestor, H.RolesOf(Requestor), Ct);
        var number = created.Value!.Number;

        Assert.Equal(CommandStatus.NotFound, (await H.Changes.SubmitAsync("RFC-2026-999", ChangeState.New, Requestor, H.RolesOf(Requestor), Ct)).Status);
        Assert.Equal(CommandStatus.Forbidden, (await H.Changes.SubmitAsync(number, ChangeState.New, Quality, H.RolesOf(Quality), Ct)).Status);
        Assert.Equal(CommandStatus.Conflict, (await H.Changes.SubmitAsync(number, ChangeState.Assess, Requestor, H.RolesOf(Requestor), Ct)).Status);
        Assert.True((await H.Changes.SubmitAsync(number, ChangeState.New, Requestor, H.RolesOf(Requestor), Ct)).IsOk);
        Assert.Equal(CommandStatus.Conflict, (await H.Changes.SubmitAsync(number, ChangeState.New, Requestor, H.RolesOf(Requestor), Ct)).Status);
        Assert.Equal(CommandStatus.Conflict, (await H.Changes.ValidateAsync(number, ChangeState.Implement, null, Implementer, H.RolesOf(Implementer), Ct)).Status);
        Assert.Equal(CommandStatus.Forbidden, (await H.Changes.ReportStepAsync(number, "step-1", StepStatus.Done, null, ChangeState.Authorize, Quality, H.RolesOf(Quality), Ct)).Status);

        var invalid = await H.Changes.CreateAsync(Dossiers.Full(ChangeType.Normal, Wat(5, 20, 22), ["no-such-ci"]) with { Title = "" }, null, Requestor, H.RolesOf(Requestor), Ct);
        Assert.Equal(CommandStatus.Invalid, invalid.Status);
        Assert.Contains(invalid.Errors, e => e.Path == "title" && e.Code == ErrorCodes.Required);
        Assert.Contains(invalid.Errors, e => e.Path == "impact.configurationItemIds[0]" && e.Code == ErrorCodes.Unknown);

        var canceled = await H.Changes.CancelAsync(number, ChangeState.Authorize, "Superseded by RFC-2026-020", Requestor, H.RolesOf(Requestor), Ct);
        Assert.True(canceled.IsOk, canceled.Message);
        Assert.Equal(ChangeState.Canceled, canceled.Value!.Change.State);
        Assert.Empty(H.OpenTasks(number));
        Assert.Equal(WorkflowStatus.Cancelled, (await H.InstanceAsync(number)).Status);
    }
}
