using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Tests.Changes.Support;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Common;
using ChangeFlow.Engine.Execution;
using static ChangeFlow.Application.Tests.Changes.Support.ChangeHarness;

namespace ChangeFlow.Application.Tests.Changes;

/// <summary>The quorum policies, comments and self-approval, through the RequestApproval activity on the real runtime.</summary>
public sealed class RequestApprovalTests : ChangeTestBase
{
    private static readonly string[] FourVoters = ["user:" + ChangeManager, "user:" + ChangeHarness.Security, "user:" + Owner, "user:" + Quality];

    [Fact]
    public async Task All_Approves_OnlyWhenEveryoneApproved()
    {
        var (number, instanceId) = await StartVoteAsync("All", FourVoters[..3]);

        await H.CompleteAsync(number, ChangeManager, "Approved");
        await H.CompleteAsync(number, ChangeHarness.Security, "Approved");
        Assert.Equal("Pending", await OutcomeAsync(instanceId));

        await H.CompleteAsync(number, Owner, "Approved");
        Assert.Equal("Approved", await OutcomeAsync(instanceId));
        Assert.All(H.Ports.Tasks.All, t => Assert.Equal(HumanTaskStatus.Completed, t.Status));
    }

    [Fact]
    public async Task All_Rejects_OnTheFirstRejection_AndCancelsTheOtherTasks()
    {
        var (number, instanceId) = await StartVoteAsync("All", FourVoters[..3]);

        await H.CompleteAsync(number, ChangeManager, "Approved");
        await H.CompleteAsync(number, Owner, "Rejected", "The report templates were not signed off");

        Assert.Equal("Rejected", await OutcomeAsync(instanceId));
        var security = Assert.Single(H.Ports.Tasks.All, t => t.AssigneeUserId == ChangeHarness.Security);
        Assert.Equal(HumanTaskStatus.Canceled, security.Status);
        var votes = (await H.InstanceAsync(number)).ActivityOutputs["vote"]["votes"]!.AsArray();
        Assert.Equal(2, votes.Count);
        Assert.Equal("The report templates were not signed off", votes[1]!["comment"]!.GetValue<string>());
    }

    [Fact]
    public async Task Majority_Approves_WhenMoreThanHalfApproved()
    {
        var (number, instanceId) = await StartVoteAsync("Majority", FourVoters);

        await H.CompleteAsync(number, ChangeManager, "Approved");
        await H.CompleteAsync(number, ChangeHarness.Security, "Rejected", "Patch window too short");
        await H.CompleteAsync(number, Owner, "Approved");
        Assert.Equal("Pending", await OutcomeAsync(instanceId));

        await H.CompleteAsync(number, Quality, "Approved");
        Assert.Equal("Approved", await OutcomeAsync(instanceId));
    }

    [Fact]
    public async Task Majority_Rejects_OnATie()
    {
        var (number, instanceId) = await StartVoteAsync("Majority", FourVoters);

        await H.CompleteAsync(number, ChangeManager, "Rejected", "No tested rollback");
        await H.CompleteAsync(number, ChangeHarness.Security, "Rejected", "No tested rollback");

        Assert.Equal("Rejected", await OutcomeAsync(instanceId));
        Assert.Equal(2, H.Ports.Tasks.All.Count(t => t.Status == HumanTaskStatus.Canceled));
    }

    [Fact]
    public async Task FirstResponse_Decides_WithTheFirstCompletion()
    {
        var (number, instanceId) = await StartVoteAsync("FirstResponse", FourVoters);

        await H.CompleteAsync(number, Quality, "Approved");

        Assert.Equal("Approved", await OutcomeAsync(instanceId));
        Assert.Equal(3, H.Ports.Tasks.All.Count(t => t.Status == HumanTaskStatus.Canceled));
    }

    [Fact]
    public async Task NOfM_Approves_WhenNApproved_AndRejectsWhenNCanNoLongerBeReached()
    {
        var (number, instanceId) = await StartVoteAsync("NOfM", FourVoters, required: 2);
        await H.CompleteAsync(number, ChangeManager, "Approved");
        Assert.Equal("Pending", await OutcomeAsync(instanceId));
        await H.CompleteAsync(number, Quality, "Approved");
        Assert.Equal("Approved", await OutcomeAsync(instanceId));

        var (second, secondId) = await StartVoteAsync("NOfM", FourVoters, required: 3);
        await H.CompleteAsync(second, ChangeManager, "Rejected", "Not this quarter");
        Assert.Equal("Pending", await OutcomeAsync(secondId));
        await H.CompleteAsync(second, Owner, "Rejected", "Not this quarter");
        Assert.Equal("Rejected", await OutcomeAsync(secondId));
    }

    [Fact]
    public async Task Complete_IsInvalid_WhenARejectionHasNoComment()
    {
        var (number, instanceId) = await StartVoteAsync("All", FourVoters[..2]);
        var task = H.OpenTaskOf(number, ChangeManager);

        var result = await H.Tasks.CompleteAsync(task.Id, "Rejected", "  ", null, ChangeManager, H.RolesOf(ChangeManager), Ct);

        Assert.Equal(CommandStatus.Invalid, result.Status);
        Assert.Equal("comment", Assert.Single(result.Errors).Path);

        // A stimulus that bypasses the service is ignored by the activity too.
        await H.Runtime.DeliverAsync(new StimulusRequest(ChangeStimuli.HumanTask, ChangeStimuli.TaskPayload(task.GroupId), ChangeStimuli.TaskInput(task.Id, "Rejected", null, ChangeManager)), Ct);
        Assert.Equal("Pending", await OutcomeAsync(instanceId));
        Assert.Equal(HumanTaskStatus.Open, (await H.Ports.Tasks.FindAsync(task.Id, Ct))!.Status);
    }

    [Fact]
    public async Task RequestApproval_NeverAsksTheRequestor_AndTheRequestorCannotDecide()
    {
        var (number, instanceId) = await StartVoteAsync("All", ["board:cab-main"]);

        var tasks = H.OpenTasks(number);
        Assert.DoesNotContain(tasks, t => t.AssigneeUserId == Requestor);
        Assert.All(tasks, t => Assert.Equal([Requestor], t.ExcludedUserIds));

        var task = H.OpenTaskOf(number, ChangeManager);
        var completed = await H.Tasks.CompleteAsync(task.Id, "Approved", null, null, Requestor, H.RolesOf(Requestor), Ct);
        Assert.Equal(CommandStatus.Forbidden, completed.Status);
        Assert.Equal(ErrorCodes.SelfApproval, completed.Errors[0].Code);

        var reassigned = await H.Tasks.ReassignAsync(task.Id, Requestor, ChangeManager, H.RolesOf(ChangeManager), Ct);
        Assert.Equal(CommandStatus.Invalid, reassigned.Status);
        Assert.Equal(ErrorCodes.SelfApproval, reassigned.Errors[0].Code);

        await H.Runtime.DeliverAsync(new StimulusRequest(ChangeStimuli.HumanTask, ChangeStimuli.TaskPayload(task.GroupId), ChangeStimuli.TaskInput(task.Id, "Approved", null, Requestor)), Ct);
        Assert.Equal("Pending", await OutcomeAsync(instanceId));
    }

    [Fact]
    public async Task RequestApproval_Faults_WhenOnlyTheRequestorCouldApprove()
    {
        var (number, _) = await StartVoteAsync("All", ["user:" + Requestor], expectSuspended: false);

        var state = await H.InstanceAsync(number);
        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Equal("NoAssignees", Assert.Single(state.Incidents).Code);
    }

    [Fact]
    public async Task RequestApproval_TimesOut_AndExpiresTheOpenTasks_WhenNobodyDecidesByTheDueTime()
    {
        var (number, instanceId) = await StartVoteAsync("All", FourVoters[..2], due: "PT4H");
        await H.CompleteAsync(number, ChangeManager, "Approved");

        await H.AdvanceToAsync(H.Clock.GetUtcNow().AddHours(4));

        Assert.Equal("TimedOut", await OutcomeAsync(instanceId));
        Assert.Equal(HumanTaskStatus.Expired, Assert.Single(H.Ports.Tasks.All, t => t.AssigneeUserId == ChangeHarness.Security).Status);
        Assert.Equal(WorkflowStatus.Finished, (await H.InstanceAsync(number)).Status);
    }

    [Fact]
    public async Task RequestApproval_GivesAnHourToRespond_WhenItsDueTimeHadAlreadyPassed()
    {
        var past = H.Clock.GetUtcNow().AddHours(-2).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var (number, instanceId) = await StartVoteAsync("All", FourVoters[..2], due: past);

        var task = H.OpenTaskOf(number, ChangeManager);
        Assert.Equal(H.Clock.GetUtcNow().AddHours(1), task.DueAt);
        await H.AdvanceToAsync(H.Clock.GetUtcNow().AddMinutes(59));
        Assert.Equal("Pending", await OutcomeAsync(instanceId));
        Assert.Contains(await H.Ports.Timeline.ListAsync(number, Ct), e => e.Action == "task.due-extended");

        await H.AdvanceToAsync(H.Clock.GetUtcNow().AddMinutes(1));
        Assert.Equal("TimedOut", await OutcomeAsync(instanceId));
    }

    [Fact]
    public async Task Complete_IsIdempotent_AndReassignedTasksAreCompletedByTheirNewAssignee()
    {
        var (number, instanceId) = await StartVoteAsync("All", FourVoters[..2]);
        var task = H.OpenTaskOf(number, ChangeManager);
        var moved = await H.Tasks.ReassignAsync(task.Id, Quality, ChangeManager, H.RolesOf(ChangeManager), Ct);
        Assert.True(moved.IsOk, moved.Message);

        Assert.Equal(CommandStatus.Forbidden, (await H.Tasks.CompleteAsync(task.Id, "Approved", null, null, ChangeManager, H.RolesOf(ChangeManager), Ct)).Status);
        Assert.True((await H.Tasks.CompleteAsync(task.Id, "Approved", null, null, Quality, H.RolesOf(Quality), Ct)).IsOk);
        Assert.True((await H.Tasks.CompleteAsync(task.Id, "Approved", null, null, Quality, H.RolesOf(Quality), Ct)).IsOk);
        Assert.Equal(CommandStatus.Conflict, (await H.Tasks.CompleteAsync(task.Id, "Rejected", "changed my mind", null, Quality, H.RolesOf(Quality), Ct)).Status);
        Assert.Equal("Pending", await OutcomeAsync(instanceId));

        var inbox = await H.Tasks.ListForUserAsync(ChangeHarness.Security, HumanTaskStatus.Open, 0, 50, Ct);
        Assert.Single(inbox.Items);
    }

    private async Task<(string Number, string InstanceId)> StartVoteAsync(string quorum, string[] assignees, int? required = null, string? due = null, bool expectSuspended = true)
    {
        if (await H.DefinitionStore.FindPublishedAsync("approval-quorum", Ct) is null)
        {
            var imported = await H.Definitions.ImportAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Changes", "Workflows", "approval-quorum.json")), "test", publish: true, Ct);
            Assert.True(imported.Result == "added", string.Join("; ", imported.Problems));
        }

        var created = await H.Changes.CreateAsync(SeedDossier(), null, Requestor, H.RolesOf(Requestor), Ct);
        Assert.True(created.IsOk, created.Message);
        var number = created.Value!.Number;
        var started = await H.Runtime.StartAsync(
            "approval-quorum",
            new StartRequest
            {
                CorrelationId = number,
                Input = new Dictionary<string, JsonNode?>
                {
                    ["assignees"] = new JsonArray([.. assignees.Select(a => (JsonNode?)JsonValue.Create(a))]),
                    ["quorum"] = quorum,
                    ["required"] = required,
                    ["due"] = due,
                },
            },
            Ct);
        Assert.True(started.Succeeded, started.Message);
        if (expectSuspended)
        {
            Assert.Equal(WorkflowStatus.Suspended, started.Instance!.Status);
        }

        await H.Ports.Changes.UpdateAsync(created.Value with { WorkflowInstanceId = started.Instance!.Id, Version = 2 }, 1, Ct);
        return (number, started.Instance.Id);
    }

    private async Task<string?> OutcomeAsync(string instanceId)
    {
        var snapshot = await H.Instances.LoadAsync(instanceId, Ct);
        return snapshot!.State.Variables["Outcome"]?.GetValue<string>();
    }
}
