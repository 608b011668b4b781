using System.Net;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Demo;

/// <summary><c>--seed-demo</c> (ChangeFlow:SeedDemo) loads the seed's RFC-2026-014 case so a newcomer sees a real change.</summary>
public sealed class SeedDemoTests
{
    [Fact]
    public async Task SeedDemo_SubmitsTheRfc2026014Dossier_WithItsPeopleAsUsers_AndItsLocalTimesKept()
    {
        // The fake clock starts on 2026-05-03 08:00Z, the seed's submission day, so the case keeps its own dates.
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows, Settings = { ["ChangeFlow:SeedDemo"] = "true" } });

        var changes = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/changes")))!;
        var change = Assert.Single(changes["items"]!.AsArray())!;
        var dossier = change["dossier"]!;
        Assert.Equal("LIMS major version upgrade: v3.8 → v4.0", dossier["title"]!.GetValue<string>());
        Assert.True(dossier["state"]!.GetValue<string>() == "Authorize", string.Join("\n", server.Logs.Lines.Where(l => l.Contains("Demo", StringComparison.Ordinal))));
        Assert.Equal("2026-05-23T21:00:00Z", dossier["window"]!["start"]!.GetValue<string>());
        Assert.Equal("cab-main", change["cabBoardId"]!.GetValue<string>());
        Assert.StartsWith("2026-05-13", change["cabMeetingAt"]!.GetValue<string>(), StringComparison.Ordinal);

        var requestorId = dossier["requestor"]!["id"]!.GetValue<string>();
        var requestor = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync($"api/users/{requestorId}")))!;
        Assert.Equal("it-ops-head@demo.changeflow.example", requestor["email"]!.GetValue<string>());
        var board = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/catalog/cab-boards/cab-main")))!;
        Assert.All(board["document"]!["members"]!.AsArray(), m => Assert.StartsWith("usr_", m!["userId"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task SeedDemo_DoesNothingTheSecondTime()
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions { WorkflowsDirectory = RepositoryPaths.Workflows, Settings = { ["ChangeFlow:SeedDemo"] = "true" } });

        await server.RestartAsync();

        var changes = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync("api/changes")))!;
        Assert.Single(changes["items"]!.AsArray());
        Assert.Contains(server.Logs.Lines, line => line.Contains("Demo data is already loaded.", StringComparison.Ordinal));
    }
}
