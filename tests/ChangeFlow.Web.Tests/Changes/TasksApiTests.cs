using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>
/// A requestor, two CAB members who make up the main CAB (quorum: all), a change manager and a bystander, and a
/// standard-change template for the LIMS, on a server with the shipped workflows.
/// </summary>
public sealed class TasksApiFixture : ChangeApiFixture
{
    /// <summary>The template that pre-authorizes a small LIMS change.</summary>
    public const string LimsTemplate = "lims-service-restart";

    public TestUser Requestor { get; private set; } = null!;

    public TestUser Cab1 { get; private set; } = null!;

    public TestUser Cab2 { get; private set; } = null!;

    public TestUser Manager { get; private set; } = null!;

    public TestUser Bystander { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Requestor = await Server.CreateUserAsync(Roles.Requestor);
        Cab1 = await Server.CreateUserAsync(Roles.CabMember);
        Cab2 = await Server.CreateUserAsync(Roles.CabMember);
        Manager = await Server.CreateUserAsync(Roles.ChangeManager);
        Bystander = await Server.CreateUserAsync(Roles.CabMember);

        using var board = await Manager.Client.GetAsync("api/catalog/cab-boards/cab-main");
        var document = (await HttpAssert.StatusAsync(HttpStatusCode.OK, board))!["document"]!.AsObject();
        document["members"] = new JsonArray(
            new JsonObject { ["userId"] = Cab1.Id, ["displayName"] = "CAB member one", ["role"] = "ItOperations" },
            new JsonObject { ["userId"] = Cab2.Id, ["displayName"] = "CAB member two", ["role"] = "Security" });
        document["quorum"] = new JsonObject { ["policy"] = "All" };
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/catalog/cab-boards/cab-main") { Content = ChangeApi.Json(document) };
        request.Headers.TryAddWithoutValidation("If-Match", board.Headers.ETag!.Tag);
        using var saved = await Manager.Client.SendAsync(request);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, saved);

        using var template = await Manager.Client.PutAsync($"api/catalog/standard-templates/{LimsTemplate}", ChangeApi.Json(new
        {
            id = LimsTemplate,
            name = "LIMS application service restart",
            description = "Restart the LIMS application services on both nodes.",
            maxRiskLevel = "Low",
            serviceIds = new[] { "lims" },
        }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, template);
    }

    /// <summary>Submits RFC-2026-014 for <see cref="Requestor"/> and returns its number.</summary>
    public async Task<string> SubmitNormalChangeAsync() =>
        ChangeApi.NumberOf(await ChangeApi.CreateAsync(Requestor.Client, ChangeApi.Rfc2026014(Requestor.Id), submit: true));

    /// <summary>The open CAB vote task of <paramref name="user"/> on <paramref name="number"/>.</summary>
    public static async Task<JsonNode> VoteTaskAsync(TestUser user, string number)
    {
        using var inbox = await user.Client.GetAsync("api/tasks?status=Open&take=200");
        var items = (await HttpAssert.StatusAsync(HttpStatusCode.OK, inbox))!["items"]!.AsArray();
        return Assert.Single(items, t => t!["subjectId"]!.GetValue<string>() == number)!;
    }
}

/// <summary>
/// The task inbox on the real host: whose tasks a user sees, completing (outcome, comment, assignee and state
/// checks), reassigning (never to the requestor), conflicts shown to the CAB, and blackouts refusing a standard change.
/// </summary>
public sealed class TasksApiTests(TasksApiFixture fixture) : IClassFixture<TasksApiFixture>
{
    [Fact]
    public async Task Inbox_ShowsMyTasks_AndOtherInboxesOnlyToChangeManagers()
    {
        var number = await fixture.SubmitNormalChangeAsync();

        var task = await TasksApiFixture.VoteTaskAsync(fixture.Cab1, number);
        Assert.Equal(fixture.Cab1.Id, task["assigneeUserId"]!.GetValue<string>());
        Assert.Equal("Open", task["status"]!.GetValue<string>());
        Assert.Equal(["Approved", "Rejected"], task["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
        Assert.Contains(fixture.Requestor.Id, task["excludedUserIds"]!.AsArray().Select(o => o!.GetValue<string>()));
        await TasksApiFixture.VoteTaskAsync(fixture.Cab2, number);

        using var requestorInbox = await fixture.Requestor.Client.GetAsync("api/tasks");
        Assert.DoesNotContain((await HttpAssert.StatusAsync(HttpStatusCode.OK, requestorInbox))!["items"]!.AsArray(), t => t!["subjectId"]!.GetValue<string>() == number);

        using var peek = await fixture.Cab2.Client.GetAsync($"api/tasks?assignedTo={fixture.Cab1.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, peek.StatusCode);
        using var peekOne = await fixture.Bystander.Client.GetAsync($"api/tasks/{task["id"]}");
        Assert.Equal(HttpStatusCode.Forbidden, peekOne.StatusCode);

        using var managed = await fixture.Manager.Client.GetAsync($"api/tasks?assignedTo={fixture.Cab1.Id}");
        Assert.Contains((await HttpAssert.StatusAsync(HttpStatusCode.OK, managed))!["items"]!.AsArray(), t => t!["id"]!.GetValue<string>() == task["id"]!.GetValue<string>());
        using var admin = await fixture.Server.Admin.GetAsync($"api/tasks/{task["id"]}");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, admin);
    }

    [Fact]
    public async Task List_ShowsOpenTasksByDefault_AndOthersOnlyWhenAskedFor()
    {
        var number = await fixture.SubmitNormalChangeAsync();
        var task = await TasksApiFixture.VoteTaskAsync(fixture.Cab1, number);
        var id = task["id"]!.GetValue<string>();
        using var voted = await fixture.Cab1.Client.PostAsync($"api/tasks/{id}/complete", ChangeApi.Json(new { outcome = "Approved", comment = "Fine." }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, voted);

        async Task<bool> ListedAsync(string url)
        {
            using var response = await fixture.Cab1.Client.GetAsync(url);
            return (await HttpAssert.StatusAsync(HttpStatusCode.OK, response))!["items"]!.AsArray().Any(t => t!["id"]!.GetValue<string>() == id);
        }

        Assert.False(await ListedAsync("api/tasks?assignedTo=me&take=200"));
        Assert.False(await ListedAsync("api/tasks?take=200"));
        Assert.True(await ListedAsync("api/tasks?assignedTo=me&status=Completed&take=200"));
        Assert.True(await ListedAsync("api/tasks?assignedTo=me&status=all&take=200"));
    }

    [Fact]
    public async Task Complete_RefusesBadOutcomesOthersTasksAndRepeats_AndAcceptsTheAssigneesVote()
    {
        var number = await fixture.SubmitNormalChangeAsync();
        var taskId = (await TasksApiFixture.VoteTaskAsync(fixture.Cab1, number))["id"]!.GetValue<string>();
        var url = $"api/tasks/{taskId}/complete";

        using var maybe = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { outcome = "Maybe" }));
        await HttpAssert.FieldErrorAsync(maybe, "outcome", "invalid");
        using var silent = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { outcome = "Rejected" }));
        await HttpAssert.FieldErrorAsync(silent, "comment", "required");
        using var blank = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { outcome = "Rejected", comment = "   " }));
        await HttpAssert.FieldErrorAsync(blank, "comment", "required");
        using var notMine = await fixture.Cab2.Client.PostAsync(url, ChangeApi.Json(new { outcome = "Approved" }));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, notMine);
        using var selfApproval = await fixture.Requestor.Client.PostAsync(url, ChangeApi.Json(new { outcome = "Approved" }));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, selfApproval);
        using var unknown = await fixture.Cab1.Client.PostAsync("api/tasks/no-such-task/complete", ChangeApi.Json(new { outcome = "Approved" }));
        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, unknown);

        using var approved = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { outcome = "Approved", comment = "Rollback plan is solid." }));
        var done = (await HttpAssert.StatusAsync(HttpStatusCode.OK, approved))!;
        Assert.Equal("Completed", done["status"]!.GetValue<string>());
        Assert.Equal("Approved", done["outcome"]!.GetValue<string>());

        // A double click is harmless; changing one's mind afterwards is a conflict.
        using var twice = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { outcome = "Approved", comment = "Rollback plan is solid." }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, twice);
        using var changedMind = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { outcome = "Rejected", comment = "On second thought." }));
        var conflict = (await HttpAssert.StatusAsync(HttpStatusCode.Conflict, changedMind))!;
        Assert.Equal(409, conflict["status"]!.GetValue<int>());

        // The change waits for the second member (quorum: all) and the timeline shows the vote.
        using var change = await fixture.Requestor.Client.GetAsync($"api/changes/{number}");
        Assert.Equal("Authorize", ChangeApi.StateOf((await HttpAssert.StatusAsync(HttpStatusCode.OK, change))!));
    }

    [Fact]
    public async Task Reassign_HandsTheTaskOn_ButNeverToTheRequestor()
    {
        var number = await fixture.SubmitNormalChangeAsync();
        var taskId = (await TasksApiFixture.VoteTaskAsync(fixture.Cab1, number))["id"]!.GetValue<string>();
        var url = $"api/tasks/{taskId}/reassign";

        using var toRequestor = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { userId = fixture.Requestor.Id }));
        await HttpAssert.FieldErrorAsync(toRequestor, "userId", "self_approval");
        using var toNobody = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { userId = "no-such-user" }));
        await HttpAssert.FieldErrorAsync(toNobody, "userId", "unknown");
        using var toOtherVoter = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { userId = fixture.Cab2.Id }));
        await HttpAssert.FieldErrorAsync(toOtherVoter, "userId", "duplicate");
        using var byStranger = await fixture.Bystander.Client.PostAsync(url, ChangeApi.Json(new { userId = fixture.Bystander.Id }));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, byStranger);

        using var handedOn = await fixture.Cab1.Client.PostAsync(url, ChangeApi.Json(new { userId = fixture.Bystander.Id }));
        Assert.Equal(fixture.Bystander.Id, (await HttpAssert.StatusAsync(HttpStatusCode.OK, handedOn))!["assigneeUserId"]!.GetValue<string>());
        Assert.Equal(taskId, (await TasksApiFixture.VoteTaskAsync(fixture.Bystander, number))["id"]!.GetValue<string>());
        using var cab1Inbox = await fixture.Cab1.Client.GetAsync("api/tasks?status=Open&take=200");
        Assert.DoesNotContain((await HttpAssert.StatusAsync(HttpStatusCode.OK, cab1Inbox))!["items"]!.AsArray(), t => t!["id"]!.GetValue<string>() == taskId);
        using var formerAssignee = await fixture.Cab1.Client.PostAsync($"api/tasks/{taskId}/complete", ChangeApi.Json(new { outcome = "Approved" }));
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, formerAssignee);

        // A change manager may move it back; the move is on the change's timeline.
        using var back = await fixture.Manager.Client.PostAsync(url, ChangeApi.Json(new { userId = fixture.Cab1.Id }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, back);
        using var timeline = await fixture.Requestor.Client.GetAsync($"api/changes/{number}/timeline");
        Assert.Equal(2, (await HttpAssert.StatusAsync(HttpStatusCode.OK, timeline))!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "task.reassigned"));
    }

    [Fact]
    public async Task TasksApi_NamesPeopleByEMail_AsWellAsById()
    {
        var number = await fixture.SubmitNormalChangeAsync();
        var taskId = (await TasksApiFixture.VoteTaskAsync(fixture.Cab1, number))["id"]!.GetValue<string>();

        using var inbox = await fixture.Manager.Client.GetAsync($"api/tasks?assignedTo={Uri.EscapeDataString(fixture.Cab1.Email.ToUpperInvariant())}&take=200");
        Assert.Contains((await HttpAssert.StatusAsync(HttpStatusCode.OK, inbox))!["items"]!.AsArray(), t => t!["id"]!.GetValue<string>() == taskId);
        using var peek = await fixture.Cab2.Client.GetAsync($"api/tasks?assignedTo={Uri.EscapeDataString(fixture.Cab1.Email)}");
        Assert.Equal(HttpStatusCode.Forbidden, peek.StatusCode);

        using var toRequestor = await fixture.Cab1.Client.PostAsync($"api/tasks/{taskId}/reassign", ChangeApi.Json(new { userId = fixture.Requestor.Email }));
        await HttpAssert.FieldErrorAsync(toRequestor, "userId", "self_approval");
        using var toNobody = await fixture.Cab1.Client.PostAsync($"api/tasks/{taskId}/reassign", ChangeApi.Json(new { userId = "nobody@example.org" }));
        await HttpAssert.FieldErrorAsync(toNobody, "userId", "unknown");
    }

    [Fact]
    public async Task TasksAndTimeline_NamePeopleByDisplayName_BesideTheirIds()
    {
        static string NameOf(TestUser user) => "User " + user.Email["user".Length..user.Email.IndexOf('@', StringComparison.Ordinal)];
        var number = await fixture.SubmitNormalChangeAsync();

        var task = await TasksApiFixture.VoteTaskAsync(fixture.Cab1, number);
        Assert.Equal((fixture.Cab1.Id, NameOf(fixture.Cab1)), (task["assigneeUserId"]!.GetValue<string>(), task["assigneeName"]!.GetValue<string>()));
        using var completed = await fixture.Cab1.Client.PostAsync($"api/tasks/{task["id"]}/complete", ChangeApi.Json(new { outcome = "Approved", comment = "Looks right" }));
        var done = (await HttpAssert.StatusAsync(HttpStatusCode.OK, completed))!;
        Assert.Equal((fixture.Cab1.Id, NameOf(fixture.Cab1)), (done["completedBy"]!.GetValue<string>(), done["completedByName"]!.GetValue<string>()));

        using var timeline = await fixture.Manager.Client.GetAsync($"api/changes/{number}/timeline");
        var entries = (await HttpAssert.StatusAsync(HttpStatusCode.OK, timeline))!.AsArray();
        var byRequestor = entries.First(e => e!["actor"]!.GetValue<string>() == fixture.Requestor.Id)!;
        Assert.Equal(NameOf(fixture.Requestor), byRequestor["actorName"]!.GetValue<string>());
        Assert.All(entries.Where(e => e!["actor"]!.GetValue<string>() == "system"), e => Assert.Equal("ChangeFlow", e!["actorName"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Agenda_ShowsTheVoteTallyAgainstTheQuorum_AndWhoHasNotVoted()
    {
        var number = await fixture.SubmitNormalChangeAsync();
        var task = await TasksApiFixture.VoteTaskAsync(fixture.Cab1, number);
        using var change = await fixture.Manager.Client.GetAsync($"api/changes/{number}");
        var meetingAt = (await HttpAssert.StatusAsync(HttpStatusCode.OK, change))!["cabMeetingAt"]!.GetValue<string>();

        async Task<JsonNode> VoteAsync()
        {
            using var agenda = await fixture.Cab2.Client.GetAsync($"api/cab-boards/cab-main/agenda?meetingAt={Uri.EscapeDataString(meetingAt)}");
            var meeting = Assert.Single((await HttpAssert.StatusAsync(HttpStatusCode.OK, agenda))!["meetings"]!.AsArray())!;
            return Assert.Single(meeting["changes"]!.AsArray(), c => c!["number"]!.GetValue<string>() == number)!["cabVote"]!;
        }

        // The fixture's board needs both members' approval (quorum All).
        var before = await VoteAsync();
        Assert.Equal(("All", 2, 2, 0, 0, "Pending"), (before["quorum"]!.GetValue<string>(), before["eligible"]!.GetValue<int>(), before["approvalsNeeded"]!.GetValue<int>(), before["approved"]!.GetValue<int>(), before["rejected"]!.GetValue<int>(), before["decision"]!.GetValue<string>()));
        Assert.Equal(new[] { fixture.Cab1.Id, fixture.Cab2.Id }.Order(StringComparer.Ordinal), before["notVoted"]!.AsArray().Select(v => v!["userId"]!.GetValue<string>()));

        using var approved = await fixture.Cab1.Client.PostAsync($"api/tasks/{task["id"]}/complete", ChangeApi.Json(new { outcome = "Approved" }));
        await HttpAssert.StatusAsync(HttpStatusCode.OK, approved);

        var after = await VoteAsync();
        Assert.Equal((1, 0, "Pending"), (after["approved"]!.GetValue<int>(), after["rejected"]!.GetValue<int>(), after["decision"]!.GetValue<string>()));
        var waiting = Assert.Single(after["notVoted"]!.AsArray())!;
        Assert.Equal(fixture.Cab2.Id, waiting["userId"]!.GetValue<string>());
        Assert.StartsWith("User ", waiting["name"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CabTask_ListsTheOverlappingChange_WhenTwoNormalChangesShareAConfigurationItem()
    {
        var first = await fixture.SubmitNormalChangeAsync();
        var second = await fixture.SubmitNormalChangeAsync();

        var task = await TasksApiFixture.VoteTaskAsync(fixture.Cab1, second);

        var conflicts = task["data"]!["conflicts"]!.AsArray();
        var withFirst = Assert.Single(conflicts, c => c!["kind"]!.GetValue<string>() == "change" && c["change"]!.GetValue<string>() == first)!;
        Assert.Contains("lims-prod-01", withFirst["configurationItems"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal(new DateTimeOffset(2026, 5, 23, 21, 0, 0, TimeSpan.Zero), withFirst["start"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Submit_RefusesAStandardChange_InTheMondayLabOpeningBlackout()
    {
        var before = await ChangeApi.CountAsync(fixture.Server);

        // Monday 11 May 2026, 07:00-08:00 WAT runs into the 07:30 lab opening.
        var dossier = ChangeApi.StandardLimsChange(fixture.Requestor.Id, new DateTimeOffset(2026, 5, 11, 7, 0, 0, TimeSpan.FromHours(1)));
        using var response = await fixture.Requestor.Client.PostAsync("api/changes", ChangeApi.Json(ChangeApi.Body(dossier, submit: true, TasksApiFixture.LimsTemplate)));

        var problem = await HttpAssert.FieldErrorAsync(response, "dossier.window", "conflict");
        Assert.Contains("Monday 07:30 lab opening", problem["errors"]!["dossier.window"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        // The change exists, unsubmitted, so the requestor can move its window and submit it again.
        var number = Assert.Single(response.Headers.GetValues("X-Change-Number"));
        using var stored = await fixture.Requestor.Client.GetAsync($"api/changes/{number}");
        var change = (await HttpAssert.StatusAsync(HttpStatusCode.OK, stored))!;
        Assert.Equal("New", ChangeApi.StateOf(change));
        Assert.Null(change["workflowInstanceId"]);
        var after = await ChangeApi.CountAsync(fixture.Server);
        Assert.Equal(before.WorkflowInstances, after.WorkflowInstances);

        // The same change from 09:00, when the lab opening's blackout ends, is scheduled at once.
        var later = ChangeApi.StandardLimsChange(fixture.Requestor.Id, new DateTimeOffset(2026, 5, 11, 9, 0, 0, TimeSpan.FromHours(1)));
        var scheduled = await ChangeApi.CreateAsync(fixture.Requestor.Client, later, submit: true, TasksApiFixture.LimsTemplate);
        Assert.Equal("Scheduled", ChangeApi.StateOf(scheduled));
    }
}
