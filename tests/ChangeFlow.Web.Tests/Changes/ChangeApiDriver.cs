using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Application.Security;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>
/// The seed's people as users of a running server, with the main CAB seated with them through the catalogue API, and
/// the REST calls the change scenarios make. Every call goes over HTTP with the acting user's own token.
/// </summary>
public sealed class ChangeApiDriver
{
    private ChangeApiDriver(ChangeFlowServer server)
    {
        Server = server;
    }

    /// <summary>The server.</summary>
    public ChangeFlowServer Server { get; }

    /// <summary>The CAB chair and change manager (the only user with that role, so "role:ChangeManager" is them).</summary>
    public TestUser ChangeManager { get; private set; } = null!;

    /// <summary>The seed's requestor, the Head of IT Operations: requestor, implementer and CAB member.</summary>
    public TestUser Requestor { get; private set; } = null!;

    /// <summary>The information security officer (CAB).</summary>
    public TestUser Security { get; private set; } = null!;

    /// <summary>The application owner, the Director of Laboratory Services (CAB).</summary>
    public TestUser Owner { get; private set; } = null!;

    /// <summary>The head of quality (CAB).</summary>
    public TestUser Quality { get; private set; } = null!;

    /// <summary>The sysadmin on call who reports the steps.</summary>
    public TestUser Implementer { get; private set; } = null!;

    /// <summary>The CAB voters on a change of <see cref="Requestor"/>: every member but the requestor.</summary>
    public IReadOnlyList<TestUser> Voters => [ChangeManager, Security, Owner, Quality];

    /// <summary>Creates the users and seats <c>cab-main</c> with them (read first for its version, then If-Match).</summary>
    public static async Task<ChangeApiDriver> SetUpAsync(ChangeFlowServer server, Action<JsonObject>? editBoard = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var driver = new ChangeApiDriver(server)
        {
            ChangeManager = await server.CreateUserAsync(Roles.ChangeManager, Roles.CabMember),
            Requestor = await server.CreateUserAsync(Roles.Requestor, Roles.Implementer, Roles.CabMember),
            Security = await server.CreateUserAsync(Roles.CabMember),
            Owner = await server.CreateUserAsync(Roles.CabMember),
            Quality = await server.CreateUserAsync(Roles.CabMember),
            Implementer = await server.CreateUserAsync(Roles.Implementer),
        };

        using var read = await driver.ChangeManager.Client.GetAsync("api/catalog/cab-boards/cab-main");
        var board = (await HttpAssert.StatusAsync(HttpStatusCode.OK, read))!;
        var etag = read.Headers.ETag;
        Assert.NotNull(etag);
        Assert.Equal($"\"{board["version"]}\"", etag.Tag);
        var document = board["document"]!.AsObject();
        document["members"] = new JsonArray(
            Member(driver.ChangeManager, "Change Manager", "Chair"),
            Member(driver.Requestor, DemoData.Requestor.DisplayName, "ItOperations"),
            Member(driver.Security, "Information Security Officer", "Security"),
            Member(driver.Owner, DemoData.ApplicationOwner.DisplayName, "ApplicationOwner"),
            Member(driver.Quality, "Head of Quality", "BusinessStakeholder"));
        editBoard?.Invoke(document);
        using var put = new HttpRequestMessage(HttpMethod.Put, "api/catalog/cab-boards/cab-main") { Content = Json(document) };
        put.Headers.IfMatch.Add(etag);
        var saved = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await driver.ChangeManager.Client.SendAsync(put)))!;
        Assert.Equal(board["version"]!.GetValue<long>() + 1, saved["version"]!.GetValue<long>());
        return driver;
    }

    /// <summary>After <see cref="ChangeFlowServer.RestartAsync"/>: new clients with the same tokens, at the new address.</summary>
    public void Reconnect()
    {
        TestUser Again(TestUser user) => user with { Client = Server.CreateClient(user.Token) };
        ChangeManager = Again(ChangeManager);
        Requestor = Again(Requestor);
        Security = Again(Security);
        Owner = Again(Owner);
        Quality = Again(Quality);
        Implementer = Again(Implementer);
    }

    /// <summary>Asks <paramref name="condition"/> every 200 ms until it holds; fails after <paramref name="timeout"/>, saying what it waited for.</summary>
    public static async Task WaitUntilAsync(string what, Func<Task<bool>> condition, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var giveUp = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            Assert.False(giveUp.IsCancellationRequested, $"Waited {timeout} for {what}.");
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }

    /// <summary>
    /// <paramref name="change"/> as the JSON a requestor sends: the seed's people replaced by these users, and no CAB
    /// date (the workflow books the meeting).
    /// </summary>
    public JsonNode Dossier(ChangeRequest change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var mine = change with
        {
            Requestor = new Person(Requestor.Id, DemoData.Requestor.DisplayName),
            ApplicationOwner = new Person(Owner.Id, DemoData.ApplicationOwner.DisplayName),
            CabReviewAt = null,
        };
        return JsonSerializer.SerializeToNode(DossierMapper.ToDto(mine), DossierJson.Options)!;
    }

    /// <summary><c>POST /api/changes</c> with <c>submit=true</c> as the requestor; the raw response.</summary>
    public async Task<HttpResponseMessage> PostAsync(JsonNode dossier, string? idempotencyKey = null, bool submit = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/changes")
        {
            Content = Json(new JsonObject { ["dossier"] = dossier.DeepClone(), ["submit"] = submit }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await Requestor.Client.SendAsync(request);
    }

    /// <summary>Creates and submits a change as the requestor; returns its number.</summary>
    public async Task<string> SubmitAsync(JsonNode dossier)
    {
        using var response = await PostAsync(dossier);
        var body = (await HttpAssert.StatusAsync(HttpStatusCode.Created, response))!;
        var number = body["dossier"]!["number"]!.GetValue<string>();
        Assert.Equal($"/api/changes/{number}", response.Headers.Location?.OriginalString);
        return number;
    }

    /// <summary><c>GET /api/changes/{number}</c>.</summary>
    public async Task<JsonNode> ChangeAsync(string number, TestUser? by = null) =>
        (await HttpAssert.StatusAsync(HttpStatusCode.OK, await (by ?? ChangeManager).Client.GetAsync($"api/changes/{number}")))!;

    /// <summary>The change's state, as the API shows it.</summary>
    public async Task<string> StateAsync(string number) => (await ChangeAsync(number))["dossier"]!["state"]!.GetValue<string>();

    /// <summary>The open tasks in <paramref name="user"/>'s inbox (<c>GET /api/tasks?assignedTo=me</c>) about <paramref name="number"/>.</summary>
    public static async Task<IReadOnlyList<JsonNode>> InboxAsync(TestUser user, string number)
    {
        ArgumentNullException.ThrowIfNull(user);
        var page = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync("api/tasks?assignedTo=me&status=Open")))!;
        return [.. page["items"]!.AsArray().Select(t => t!).Where(t => t["subjectId"]!.GetValue<string>() == number)];
    }

    /// <summary>The one open task of <paramref name="user"/> on <paramref name="number"/>.</summary>
    public static async Task<JsonNode> OpenTaskAsync(TestUser user, string number) => Assert.Single(await InboxAsync(user, number));

    /// <summary><c>POST /api/tasks/{id}/complete</c> as <paramref name="user"/>; the raw response.</summary>
    public static Task<HttpResponseMessage> TryCompleteAsync(TestUser user, string taskId, string outcome, string? comment = null, JsonObject? data = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var body = new JsonObject { ["outcome"] = outcome };
        if (comment is not null)
        {
            body["comment"] = comment;
        }

        if (data is not null)
        {
            body["data"] = data;
        }

        return user.Client.PostAsync($"api/tasks/{taskId}/complete", Json(body));
    }

    /// <summary>Completes <paramref name="user"/>'s open task on <paramref name="number"/>, asserting 200.</summary>
    public static async Task<JsonNode> CompleteAsync(TestUser user, string number, string outcome, string? comment = null, JsonObject? data = null)
    {
        var task = await OpenTaskAsync(user, number);
        var completed = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await TryCompleteAsync(user, task["id"]!.GetValue<string>(), outcome, comment, data)))!;
        Assert.Equal("Completed", completed["status"]!.GetValue<string>());
        return task;
    }

    /// <summary>Reports a plan step (or, with <paramref name="rollback"/>, a rollback step) as done, in the state the API shows.</summary>
    public async Task ReportStepAsync(TestUser user, string number, string stepId, bool rollback = false)
    {
        ArgumentNullException.ThrowIfNull(user);
        var state = await StateAsync(number);
        var path = $"api/changes/{number}/{(rollback ? "rollback-steps" : "steps")}/{stepId}";
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.PostAsync(path, Json(new JsonObject { ["status"] = "Done", ["expectedState"] = state })));
    }

    /// <summary>Validates the change (<c>POST /api/changes/{number}/validate</c>) as <paramref name="user"/>; the raw response.</summary>
    public static Task<HttpResponseMessage> ValidateAsync(TestUser user, string number, string note)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Client.PostAsync($"api/changes/{number}/validate", Json(new JsonObject { ["expectedState"] = "Implement", ["note"] = note }));
    }

    /// <summary><c>GET /api/changes/{number}/timeline</c>.</summary>
    public async Task<IReadOnlyList<JsonNode>> TimelineAsync(string number) =>
        [.. (await HttpAssert.StatusAsync(HttpStatusCode.OK, await ChangeManager.Client.GetAsync($"api/changes/{number}/timeline")))!.AsArray().Select(e => e!)];

    /// <summary><c>GET /api/changes/{number}/deploy-gate</c>, as a pipeline would ask (with the implementer's token).</summary>
    public Task<HttpResponseMessage> DeployGateAsync(string number) => Implementer.Client.GetAsync($"api/changes/{number}/deploy-gate");

    /// <summary>A JSON body.</summary>
    public static StringContent Json(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new StringContent(node.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
    }

    /// <summary>A WAT (UTC+1) wall-clock instant of 2026.</summary>
    public static DateTimeOffset Wat(int month, int day, int hour, int minute = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, 0, TimeSpan.FromHours(1)).ToUniversalTime();

    /// <summary>An instant the API returned.</summary>
    public static DateTimeOffset Instant(JsonNode? node) => DateTimeOffset.Parse(node!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Member(TestUser user, string displayName, string role) =>
        new() { ["userId"] = user.Id, ["displayName"] = displayName, ["role"] = role };
}
