using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Approvals;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static ChangeFlow.Web.Tests.Changes.ChangeApiDriver;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>
/// Separation of duties on the real host, as an attacker tried it: a requestor who also sits on the ECAB, a change
/// manager filing on someone's behalf, and CAB votes handed on. Nobody decides on a change they created or requested,
/// by the task API or an e-mail link, and a vote only moves to someone who could have been asked for it. Each test
/// has a server of its own (the clock is shared).
/// </summary>
public sealed class SeparationOfDutiesTests : IAsyncLifetime
{
    private ChangeFlowServer _server = null!;
    private ChangeApiDriver _api = null!;
    private TestUser _other = null!;
    private TestUser _deputy = null!;

    /// <summary>A user with the Requestor and CabMember roles (and Implementer), on both boards.</summary>
    private TestUser Dual => _api.Requestor;

    public async Task InitializeAsync()
    {
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows });
        _api = await SetUpAsync(_server);
        _other = await _server.CreateUserAsync(Roles.Requestor);
        _deputy = await _server.CreateUserAsync(Roles.CabMember);

        using var read = await _api.ChangeManager.Client.GetAsync("api/catalog/cab-boards/ecab");
        var board = (await HttpAssert.StatusAsync(HttpStatusCode.OK, read))!;
        var document = board["document"]!.AsObject();
        document["members"] = new JsonArray(
            new JsonObject { ["userId"] = _api.ChangeManager.Id, ["displayName"] = "Change Manager", ["role"] = "Chair" },
            new JsonObject { ["userId"] = Dual.Id, ["displayName"] = DemoData.Requestor.DisplayName, ["role"] = "ItOperations" },
            new JsonObject { ["userId"] = _api.Security.Id, ["displayName"] = "Information Security Officer", ["role"] = "Security" });
        using var put = new HttpRequestMessage(HttpMethod.Put, "api/catalog/cab-boards/ecab") { Content = Json(document) };
        put.Headers.IfMatch.Add(read.Headers.ETag!);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.SendAsync(put));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CreateChange_IsRefused_WhenARequestorNamesSomeoneElseAsRequestor()
    {
        var dossier = Emergency(_other.Id, "Someone else");

        using var response = await Dual.Client.PostAsync("api/changes", Json(new JsonObject { ["dossier"] = dossier, ["submit"] = true }));

        await HttpAssert.FieldErrorAsync(response, "dossier.requestor.id", "not_allowed");
        Assert.Empty(await InboxAsync(Dual, "RFC-2026-001"));
        var listed = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.GetAsync("api/changes")))!;
        Assert.Equal(0, listed["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task EcabTask_CannotBeDecidedByTheRequestor_ByTheApiOrAnEMailLink_WhenTheyAlsoSitOnTheEcab()
    {
        // The dossier's display name is free text; the one approvers see is the user record's.
        var number = await CreateAsync(Dual, Emergency(Dual.Id, "Chief Information Security Officer"));
        var change = await _api.ChangeAsync(number);
        Assert.Equal("Authorize", change["dossier"]!["state"]!.GetValue<string>());
        Assert.Equal(Dual.Id, change["dossier"]!["requestor"]!["id"]!.GetValue<string>());
        Assert.NotEqual("Chief Information Security Officer", change["dossier"]!["requestor"]!["displayName"]!.GetValue<string>());

        // The requestor is on the ECAB but gets no task; the others do.
        Assert.Empty(await InboxAsync(Dual, number));
        var securityTask = await OpenTaskAsync(_api.Security, number);
        Assert.Contains(Dual.Id, securityTask["excludedUserIds"]!.AsArray().Select(i => i!.GetValue<string>()));

        using var byApi = await TryCompleteAsync(Dual, securityTask["id"]!.GetValue<string>(), "Approved");
        var refused = (await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, byApi))!;
        Assert.Equal("application/problem+json", byApi.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ErrorCodes.SelfApproval, refused["codes"]!["by"]![0]!.GetValue<string>());
        var page = await MailLinkAsync(securityTask, Dual);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Equal("You may not decide on your own change", page.Heading);
        Assert.Equal("Authorize", await _api.StateAsync(number));
        Assert.DoesNotContain(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "task.completed");
    }

    [Fact]
    public async Task CreateChange_OnBehalf_RecordsTheFilerAndTheRequestor_AndNeitherDecides()
    {
        var manager = _api.ChangeManager;
        var number = await CreateAsync(manager, Emergency(_other.Id, "Anyone at all"));

        var change = await _api.ChangeAsync(number);
        Assert.Equal(manager.Id, change["createdBy"]!.GetValue<string>());
        Assert.Equal(_other.Id, change["dossier"]!["requestor"]!["id"]!.GetValue<string>());
        var user = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _server.Admin.GetAsync($"api/users/{_other.Id}")))!;
        Assert.Equal(user["displayName"]!.GetValue<string>(), change["dossier"]!["requestor"]!["displayName"]!.GetValue<string>());

        // The change manager chairs the ECAB but is not asked: the filer is excluded like the requestor.
        Assert.Empty(await InboxAsync(manager, number));
        var dualTask = await OpenTaskAsync(Dual, number);
        var taskId = dualTask["id"]!.GetValue<string>();
        Assert.Equal(new[] { manager.Id, _other.Id }.Order(StringComparer.Ordinal), dualTask["excludedUserIds"]!.AsArray().Select(i => i!.GetValue<string>()).Order(StringComparer.Ordinal));

        using var byManager = await TryCompleteAsync(manager, taskId, "Approved");
        var bySelf = (await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, byManager))!;
        Assert.Equal(ErrorCodes.SelfApproval, bySelf["codes"]!["by"]![0]!.GetValue<string>());
        var page = await MailLinkAsync(dualTask, manager);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Equal("You may not decide on your own change", page.Heading);
        using var toSelf = await manager.Client.PostAsync($"api/tasks/{taskId}/reassign", Json(new JsonObject { ["userId"] = manager.Id }));
        await HttpAssert.FieldErrorAsync(toSelf, "userId", "self_approval");
        using var toRequestor = await manager.Client.PostAsync($"api/tasks/{taskId}/reassign", Json(new JsonObject { ["userId"] = _other.Email }));
        await HttpAssert.FieldErrorAsync(toRequestor, "userId", "self_approval");
        Assert.Equal("Authorize", await _api.StateAsync(number));
    }

    [Fact]
    public async Task Reassign_RefusesSomeoneTheVoteCouldNotGoTo_AndCountsNoVoteOfTheirs()
    {
        var number = await _api.SubmitAsync(_api.Dossier(DemoData.Rfc2026014()));
        var quality = await OpenTaskAsync(_api.Quality, number);
        var taskId = quality["id"]!.GetValue<string>();
        Assert.Equal("board", quality["assignedVia"]!.GetValue<string>());
        var url = $"api/tasks/{taskId}/reassign";

        using var toRequestorOnly = await _api.ChangeManager.Client.PostAsync(url, Json(new JsonObject { ["userId"] = _other.Id }));
        await HttpAssert.FieldErrorAsync(toRequestorOnly, "userId", "not_allowed");
        using var toImplementer = await _api.Quality.Client.PostAsync(url, Json(new JsonObject { ["userId"] = _api.Implementer.Email }));
        await HttpAssert.FieldErrorAsync(toImplementer, "userId", "not_allowed");
        Assert.Empty(await InboxAsync(_other, number));
        using var byOther = await TryCompleteAsync(_other, taskId, "Approved");
        await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, byOther);
        var still = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await _api.ChangeManager.Client.GetAsync($"api/tasks/{taskId}")))!;
        Assert.Equal(_api.Quality.Id, still["assigneeUserId"]!.GetValue<string>());
        Assert.Equal("Open", still["status"]!.GetValue<string>());

        // A CAB member who is not on the board may stand in, and the vote keeps how it was assigned: from the deputy
        // it still goes only to people the board assignment could have chosen.
        using var toDeputy = await _api.ChangeManager.Client.PostAsync(url, Json(new JsonObject { ["userId"] = _deputy.Id }));
        var moved = (await HttpAssert.StatusAsync(HttpStatusCode.OK, toDeputy))!;
        Assert.Equal(_deputy.Id, moved["assigneeUserId"]!.GetValue<string>());
        Assert.Equal("board", moved["assignedVia"]!.GetValue<string>());
        using var onward = await _deputy.Client.PostAsync(url, Json(new JsonObject { ["userId"] = _other.Id }));
        await HttpAssert.FieldErrorAsync(onward, "userId", "not_allowed");

        Assert.DoesNotContain(await _api.TimelineAsync(number), e => e["action"]!.GetValue<string>() == "task.completed");
        Assert.Equal("Authorize", await _api.StateAsync(number));
    }

    private JsonNode Emergency(string requestorId, string displayName)
    {
        var dossier = _api.Dossier(DemoData.Rfc2026014() with { Type = ChangeType.Emergency });
        dossier["requestor"] = new JsonObject { ["id"] = requestorId, ["displayName"] = displayName };
        return dossier;
    }

    private static async Task<string> CreateAsync(TestUser by, JsonNode dossier)
    {
        using var response = await by.Client.PostAsync("api/changes", Json(new JsonObject { ["dossier"] = dossier.DeepClone(), ["submit"] = true }));
        return (await HttpAssert.StatusAsync(HttpStatusCode.Created, response))!["dossier"]!["number"]!.GetValue<string>();
    }

    /// <summary>Uses a genuinely signed approve link for <paramref name="user"/> on <paramref name="task"/> (one ChangeFlow would not send).</summary>
    private async Task<MailApprovalDriver.Page> MailLinkAsync(JsonNode task, TestUser user)
    {
        var stored = (await _server.Services.GetRequiredService<IHumanTaskStore>().FindAsync(task["id"]!.GetValue<string>(), CancellationToken.None))!;
        var link = await _server.Services.GetRequiredService<ApprovalLinks>().IssueAsync(stored, ApprovalAction.Approve, user.Id, _server.Clock.GetUtcNow(), CancellationToken.None);
        using var browser = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "mail/approvals") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = MailApprovalDriver.TokenOf(link.Url) }) };
        using var response = await browser.SendAsync(request);
        return await MailApprovalDriver.Page.ReadAsync(response);
    }
}
