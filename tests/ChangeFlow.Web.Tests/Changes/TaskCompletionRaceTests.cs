using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>
/// Completions that race on the real host: each answer says what that request did. Only a completion that was
/// counted gets 200 (with its own outcome); every other gets a 409 ProblemDetails; and losing a race leaves no
/// stimulus to be retried and dead-lettered.
/// </summary>
public abstract class TaskCompletionRaceTests : IAsyncLifetime
{
    private ChangeFlowServer _server = null!;

    /// <summary>The database the service runs on.</summary>
    protected abstract DatabaseProvider Provider { get; }

    public async Task InitializeAsync() =>
        _server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { Provider = Provider, WorkflowsDirectory = RepositoryPaths.Workflows });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Complete_AnswersOne200WithItsOwnOutcome_And409ToTheOthers_WhenFiftyRaceOnOneTask()
    {
        var (number, members) = await SubmitToBoardAsync(voters: 1, quorum: new JsonObject { ["policy"] = "All" });
        var voter = members[0];
        var taskId = (await TasksApiFixture.VoteTaskAsync(voter, number))["id"]!.GetValue<string>();

        // Every request differs (outcome and comment), so none is a repeat of the one that wins.
        var requests = Enumerable.Range(0, 50).Select(i => (Outcome: i % 2 == 0 ? "Approved" : "Rejected", Comment: $"vote {i}")).ToList();
        var answers = await Task.WhenAll(requests.Select(async r =>
        {
            using var response = await voter.Client.PostAsync($"api/tasks/{taskId}/complete", ChangeApi.Json(new { outcome = r.Outcome, comment = r.Comment }));
            return (Request: r, response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }));

        var won = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(won.Request.Outcome, won.Body!["outcome"]!.GetValue<string>());
        Assert.Equal(won.Request.Comment, won.Body["comment"]!.GetValue<string>());
        Assert.Equal(49, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict && a.Body!["status"]!.GetValue<int>() == 409));

        using var task = await voter.Client.GetAsync($"api/tasks/{taskId}");
        var stored = (await HttpAssert.StatusAsync(HttpStatusCode.OK, task))!;
        Assert.Equal(won.Request.Outcome, stored["outcome"]!.GetValue<string>());
        Assert.Single(await TimelineAsync(number, "task.completed"));
        Assert.Empty(await LeftInTheInboxAsync());
    }

    [Fact]
    public async Task Complete_Answers200ToTheCountedVotesOnly_WhenABoardRacesPastItsQuorum()
    {
        var (number, members) = await SubmitToBoardAsync(voters: 8, quorum: new JsonObject { ["policy"] = "NOfM", ["required"] = 3 });
        var tasks = new List<(TestUser Voter, string TaskId)>();
        foreach (var member in members)
        {
            tasks.Add((member, (await TasksApiFixture.VoteTaskAsync(member, number))["id"]!.GetValue<string>()));
        }

        var answers = await Task.WhenAll(tasks.Select(async t =>
        {
            using var response = await t.Voter.Client.PostAsync($"api/tasks/{t.TaskId}/complete", ChangeApi.Json(new { outcome = "Approved", comment = $"fine by {t.Voter.Id}" }));
            return (t.Voter, response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync()));
        }));

        var counted = (await TimelineAsync(number, "task.completed")).Select(e => e["actor"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(3, counted.Count);
        Assert.Equal(counted, answers.Where(a => a.StatusCode == HttpStatusCode.OK).Select(a => a.Voter.Id).ToHashSet());
        Assert.All(answers.Where(a => a.StatusCode == HttpStatusCode.OK), a => Assert.Equal("Completed", a.Body!["status"]!.GetValue<string>()));
        Assert.Equal(5, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict && a.Body!["status"]!.GetValue<int>() == 409));
        Assert.Single(await TimelineAsync(number, "task.decided"), e => e["workflowStep"]!["activityId"]!.GetValue<string>() == "cab-vote");
        Assert.Empty(await LeftInTheInboxAsync());
    }

    /// <summary>A main CAB of <paramref name="voters"/> new members deciding by <paramref name="quorum"/>, and RFC-2026-014 submitted to it.</summary>
    private async Task<(string Number, IReadOnlyList<TestUser> Members)> SubmitToBoardAsync(int voters, JsonObject quorum)
    {
        var manager = await _server.CreateUserAsync(Roles.ChangeManager);
        var requestor = await _server.CreateUserAsync(Roles.Requestor);
        var members = new List<TestUser>();
        for (var i = 0; i < voters; i++)
        {
            members.Add(await _server.CreateUserAsync(Roles.CabMember));
        }

        using var board = await manager.Client.GetAsync("api/catalog/cab-boards/cab-main");
        var document = (await HttpAssert.StatusAsync(HttpStatusCode.OK, board))!["document"]!.AsObject();
        document["members"] = new JsonArray([.. members.Select((m, i) => (JsonNode?)new JsonObject { ["userId"] = m.Id, ["displayName"] = $"CAB member {i + 1}", ["role"] = "ItOperations" })]);
        document["quorum"] = quorum;
        using var request = new HttpRequestMessage(HttpMethod.Put, "api/catalog/cab-boards/cab-main") { Content = ChangeApi.Json(document) };
        request.Headers.TryAddWithoutValidation("If-Match", board.Headers.ETag!.Tag);
        using var saved = await manager.Client.SendAsync(request);
        await HttpAssert.StatusAsync(HttpStatusCode.OK, saved);

        var number = ChangeApi.NumberOf(await ChangeApi.CreateAsync(requestor.Client, ChangeApi.Rfc2026014(requestor.Id), submit: true));
        return (number, members);
    }

    private async Task<IReadOnlyList<JsonNode>> TimelineAsync(string number, string action)
    {
        using var timeline = await _server.Admin.GetAsync($"api/changes/{number}/timeline");
        return [.. (await HttpAssert.StatusAsync(HttpStatusCode.OK, timeline))!.AsArray().Where(e => e!["action"]!.GetValue<string>() == action).Select(e => e!)];
    }

    /// <summary>Stimuli left in the inbox to be retried (losers used to leave one each, dead-lettered after 8 tries) or dead-lettered.</summary>
    private async Task<IReadOnlyList<string>> LeftInTheInboxAsync()
    {
        var store = _server.Services.GetRequiredService<IStimulusStore>();
        var pending = await store.ListPendingAsync(DateTimeOffset.MaxValue, 500, CancellationToken.None);
        using var response = await _server.Admin.GetAsync("api/stimuli/dead-letters");
        var dead = (await HttpAssert.StatusAsync(HttpStatusCode.OK, response))!.AsArray();
        return [.. pending.Select(p => $"pending {p.Id}"), .. dead.Select(d => $"dead-lettered {d!["id"]}")];
    }
}

/// <summary>Racing completions on SQLite.</summary>
public sealed class SqliteTaskCompletionRaceTests : TaskCompletionRaceTests
{
    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

/// <summary>Racing completions on PostgreSQL.</summary>
public sealed class PostgreSqlTaskCompletionRaceTests : TaskCompletionRaceTests
{
    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
