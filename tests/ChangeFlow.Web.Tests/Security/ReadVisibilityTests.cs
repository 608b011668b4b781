using System.Net;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Security;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Incidents;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Security;

/// <summary>
/// Who reads what (README "Who reads what"), on SQLite and PostgreSQL, through the real host: incidents are read by
/// the service desk, their reporter and their assignee, and are not found by anyone else, in lists (totals included)
/// as one by one; workflow instances are read by change managers and admins only.
/// </summary>
public sealed class ReadVisibilityTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Incidents_AreReadByTheServiceDeskTheReporterAndTheAssigneeOnly_WhenListedOrFetched(DatabaseProvider provider)
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            Provider = provider,
            WorkflowsDirectory = RepositoryPaths.Workflows,
            ClockStart = IncidentApiDriver.ThursdayBeforeWorkersDay,
        });
        var api = await IncidentApiDriver.SetUpAsync(server);
        var fixer = await server.CreateUserAsync([Roles.Implementer], ["it-operations"]);
        var voter = await server.CreateUserAsync(Roles.CabMember, Roles.Requestor);
        var manager = await server.CreateUserAsync(Roles.ChangeManager);

        // One the agent logs for the reporter and assigns to an implementer; one the stranger reports themself.
        var leaked = api.Report("application-support", title: "My password was leaked");
        leaked["assignmentGroup"] = "it-operations";
        leaked["assignee"] = fixer.Id;
        var secret = (await api.OpenAsync(leaked))["number"]!.GetValue<string>();
        using var own = await api.Stranger.Client.PostAsync("api/incidents", IncidentApiDriver.Json(new JsonObject
        {
            ["title"] = "Printer jams",
            ["description"] = "Every second page.",
            ["serviceId"] = "application-support",
        }));
        var strangers = (await HttpAssert.StatusAsync(HttpStatusCode.Created, own))!["number"]!.GetValue<string>();

        Assert.Equal([secret, strangers], (await ListedAsync(api.Agent)).Order(StringComparer.Ordinal));
        Assert.Equal([secret, strangers], (await ListedAsync(manager)).Order(StringComparer.Ordinal));
        Assert.Equal([secret], await ListedAsync(api.Reporter));
        Assert.Equal([secret], await ListedAsync(fixer));
        Assert.Equal([strangers], await ListedAsync(api.Stranger));
        Assert.Empty(await ListedAsync(voter));
        Assert.Empty(await ListedAsync(api.Stranger, $"?reporter={api.Reporter.Id}"));
        Assert.Empty(await ListedAsync(voter, $"?assignee={fixer.Id}"));

        foreach (var reader in new[] { api.Agent, api.Reporter, fixer })
        {
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await reader.Client.GetAsync($"api/incidents/{secret}"));
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await reader.Client.GetAsync($"api/incidents/{secret}/timeline"));
        }

        foreach (var outsider in new[] { api.Stranger, voter })
        {
            foreach (var path in new[] { "", "/timeline", "/sla" })
            {
                using var response = await outsider.Client.GetAsync($"api/incidents/{secret}{path}");
                var problem = (await HttpAssert.StatusAsync(HttpStatusCode.NotFound, response))!;
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                Assert.DoesNotContain("password", problem.ToJsonString(), StringComparison.OrdinalIgnoreCase);
            }
        }

        await HttpAssert.StatusAsync(HttpStatusCode.NotFound, await fixer.Client.GetAsync($"api/incidents/{strangers}"));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task WorkflowInstances_AreReadByChangeManagersAndAdminsOnly_WhenAnyoneElseAsks(DatabaseProvider provider)
    {
        await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
        {
            Provider = provider,
            WorkflowsDirectory = RepositoryPaths.Workflows,
            ClockStart = IncidentApiDriver.ThursdayBeforeWorkersDay,
        });
        var api = await IncidentApiDriver.SetUpAsync(server);
        var manager = await server.CreateUserAsync(Roles.ChangeManager);
        var instanceId = (await api.OpenAsync(api.Report("application-support", title: "My password was leaked")))["workflowInstanceId"]!.GetValue<string>();

        foreach (var path in new[] { "api/workflow-instances", $"api/workflow-instances/{instanceId}", $"api/workflow-instances/{instanceId}/journal" })
        {
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await manager.Client.GetAsync(path));
            await HttpAssert.StatusAsync(HttpStatusCode.OK, await server.Admin.GetAsync(path));
            foreach (var other in new[] { api.Agent, api.Reporter })
            {
                using var refused = await other.Client.GetAsync(path);
                await HttpAssert.StatusAsync(HttpStatusCode.Forbidden, refused);
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    private static async Task<IReadOnlyList<string>> ListedAsync(TestUser user, string query = "")
    {
        var page = (await HttpAssert.StatusAsync(HttpStatusCode.OK, await user.Client.GetAsync($"api/incidents{query}")))!;
        var numbers = page["items"]!.AsArray().Select(i => i!["number"]!.GetValue<string>()).ToList();
        Assert.Equal(numbers.Count, page["total"]!.GetValue<int>());
        return numbers;
    }
}
