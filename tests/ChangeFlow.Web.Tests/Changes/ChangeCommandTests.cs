using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;
using static ChangeFlow.Web.Tests.Changes.ChangeApiDriver;

namespace ChangeFlow.Web.Tests.Changes;

/// <summary>A server with the shipped workflows and the seed's people seated on the main CAB.</summary>
public sealed class ChangeCommandFixture : ChangeFlowServerFixture
{
    /// <summary>The people and the calls.</summary>
    public ChangeApiDriver Api { get; private set; } = null!;

    protected override ChangeFlowServerOptions Options => new() { WorkflowsDirectory = RepositoryPaths.Workflows };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Api = await SetUpAsync(Server);
    }
}

/// <summary>The change commands are safe to retry, name the state they expect, and say 404 for an unknown RFC.</summary>
public sealed class ChangeCommandTests(ChangeCommandFixture fixture) : IClassFixture<ChangeCommandFixture>
{
    private ChangeApiDriver Api => fixture.Api;

    [Fact]
    public async Task CreateChange_CreatesOneChangeWithOneNumber_WhenTheSameRequestIsRetriedWithItsIdempotencyKey()
    {
        var key = Guid.NewGuid().ToString();
        var dossier = Api.Dossier(DemoData.Rfc2026014() with { Title = "LIMS upgrade, retried by a flaky pipeline" });

        using var first = await Api.PostAsync(dossier, key);
        using var second = await Api.PostAsync(dossier, key);

        var created = (await HttpAssert.StatusAsync(HttpStatusCode.Created, first))!;
        var replayed = (await HttpAssert.StatusAsync(HttpStatusCode.Created, second))!;
        var number = created["dossier"]!["number"]!.GetValue<string>();
        Assert.Equal(number, replayed["dossier"]!["number"]!.GetValue<string>());
        Assert.Equal("true", Assert.Single(second.Headers.GetValues("Idempotent-Replayed")));
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        var mine = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await Api.ChangeManager.Client.GetAsync($"api/changes?requestor={Api.Requestor.Id}")))!;
        Assert.Single(mine["items"]!.AsArray(), c => c!["dossier"]!["title"]!.GetValue<string>() == "LIMS upgrade, retried by a flaky pipeline");

        // Submitted once: one workflow instance, one set of CAB votes.
        Assert.Equal("Authorize", await Api.StateAsync(number));
        Assert.Single(await InboxAsync(Api.Quality, number));

        // The same key on a different dossier is refused, and a new key is a new change.
        using var reused = await Api.PostAsync(Api.Dossier(DemoData.Rfc2026014() with { Title = "Something else" }), key);
        await HttpAssert.StatusAsync(HttpStatusCode.UnprocessableEntity, reused);
        using var another = await Api.PostAsync(dossier, Guid.NewGuid().ToString());
        Assert.NotEqual(number, (await HttpAssert.StatusAsync(HttpStatusCode.Created, another))!["dossier"]!["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task ChangeCommands_Answer409AndChangeNothing_WhenTheExpectedStateIsStale()
    {
        var number = await Api.SubmitAsync(Api.Dossier(DemoData.Rfc2026014()));
        Assert.Equal("Authorize", await Api.StateAsync(number));
        var before = await Api.ChangeAsync(number);

        // Callers who still believe the change is New (or already Implement) are told it has moved on.
        var stale = new (string Path, JsonObject Body)[]
        {
            ($"api/changes/{number}/cancel", new JsonObject { ["expectedState"] = "New", ["reason"] = "Superseded" }),
            ($"api/changes/{number}/submit", new JsonObject { ["expectedState"] = "New" }),
            ($"api/changes/{number}/validate", new JsonObject { ["expectedState"] = "Implement" }),
            ($"api/changes/{number}/steps/db-dump", new JsonObject { ["status"] = "Done", ["expectedState"] = "Implement" }),
        };
        foreach (var (path, body) in stale)
        {
            var problem = (await HttpAssert.StatusAsync(HttpStatusCode.Conflict, await Api.ChangeManager.Client.PostAsync(path, Json(body))))!;
            Assert.Equal(409, problem["status"]!.GetValue<int>());
        }

        var after = await Api.ChangeAsync(number);
        Assert.Equal(before["version"]!.GetValue<long>(), after["version"]!.GetValue<long>());
        Assert.Equal("Authorize", after["dossier"]!["state"]!.GetValue<string>());

        // With the state it really is in, the same command goes through.
        await HttpAssert.StatusAsync(HttpStatusCode.OK, await Api.Requestor.Client.PostAsync(
            $"api/changes/{number}/cancel", Json(new JsonObject { ["expectedState"] = "Authorize", ["reason"] = "Superseded" })));
        Assert.Equal("Canceled", await Api.StateAsync(number));
        Assert.Empty(await InboxAsync(Api.Quality, number));
    }

    [Theory]
    [InlineData("RFC-2026-999")]
    [InlineData("RFC-1999-001")]
    [InlineData("not-an-rfc")]
    public async Task ChangeEndpoints_Answer404_ForAnUnknownRfc(string number)
    {
        var client = Api.ChangeManager.Client;
        foreach (var path in new[] { $"api/changes/{number}", $"api/changes/{number}/timeline", $"api/changes/{number}/deploy-gate" })
        {
            await AssertNotFoundAsync(await client.GetAsync(path));
        }

        var commands = new (string Path, JsonObject Body)[]
        {
            ($"api/changes/{number}/submit", new JsonObject { ["expectedState"] = "New" }),
            ($"api/changes/{number}/cancel", new JsonObject { ["expectedState"] = "New", ["reason"] = "Not needed" }),
            ($"api/changes/{number}/validate", new JsonObject { ["expectedState"] = "Implement" }),
            ($"api/changes/{number}/steps/step-1", new JsonObject { ["status"] = "Done", ["expectedState"] = "Implement" }),
            ($"api/changes/{number}/rollback-steps/rb-1", new JsonObject { ["status"] = "Done", ["expectedState"] = "Implement" }),
        };
        foreach (var (path, body) in commands)
        {
            await AssertNotFoundAsync(await client.PostAsync(path, Json(body)));
        }
    }

    private static async Task AssertNotFoundAsync(HttpResponseMessage response)
    {
        var problem = (await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response))!;
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, problem["status"]!.GetValue<int>());
    }
}
