using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Testing;
using ChangeFlow.Web.Tests.Support;

namespace ChangeFlow.Web.Tests.Workflows;

/// <summary>
/// A loop with no exit (A → B → A) faults at the per-run activity budget, keeps a bounded journal, and its journal is
/// read a page at a time; on SQLite, and on PostgreSQL in <see cref="LoopBudgetPostgreSqlApiTests"/>.
/// </summary>
public class LoopBudgetApiTests
{
    /// <summary>The database the tests run on.</summary>
    protected virtual DatabaseProvider Provider => DatabaseProvider.Sqlite;

    [Fact]
    public async Task EndlessLoop_FaultsTheInstanceAtTheBudget_WithABoundedJournalReadInPages()
    {
        var workflows = Directory.CreateTempSubdirectory("changeflow-loop-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(workflows.FullName, "ping-pong.json"), PingPong());
            await using var server = await ChangeFlowServer.StartAsync(new ChangeFlowServerOptions
            {
                Provider = Provider,
                WorkflowsDirectory = workflows.FullName,
                Settings = new()
                {
                    ["ChangeFlow:Runtime:MaxActivitiesPerRun"] = "600",
                    ["ChangeFlow:Runtime:MaxJournalEntriesPerInstance"] = "50",
                },
            });

            var started = await server.Admin.PostAsJsonAsync("api/workflow-definitions/ping-pong/instances", new { });
            await HttpAssert.StatusAsync(HttpStatusCode.Created, started);
            var id = (await started.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
            var instance = (await server.Admin.GetFromJsonAsync<JsonObject>($"api/workflow-instances/{id}"))!;

            Assert.Equal("Faulted", instance["status"]!.GetValue<string>());
            var incident = Assert.Single(instance["incidents"]!.AsArray())!;
            Assert.Equal("TooManySteps", incident["code"]!.GetValue<string>());
            Assert.Contains("more than 600 activities", incident["message"]!.GetValue<string>(), StringComparison.Ordinal);

            // Read page by page, following Link: rel="next".
            var sequences = new List<long>();
            var pages = 0;
            string? next = $"api/workflow-instances/{id}/journal?take=20";
            while (next is not null)
            {
                var page = await server.Admin.GetAsync(next);
                await HttpAssert.StatusAsync(HttpStatusCode.OK, page);
                var rows = (await page.Content.ReadFromJsonAsync<JsonArray>())!;
                Assert.InRange(rows.Count, 1, 20);
                sequences.AddRange(rows.Select(r => r!["sequence"]!.GetValue<long>()));
                pages++;
                next = page.Headers.TryGetValues("Link", out var links) ? NextOf(links.Single()) : null;
                Assert.True(pages <= 10, "the journal has more pages than its bound allows");
            }

            Assert.Equal(50, sequences.Count);
            Assert.Equal(3, pages);
            Assert.True(sequences[0] > 500, $"the oldest entries are not the ones kept (first sequence {sequences[0]})");
            Assert.Equal(Enumerable.Range(0, 50).Select(i => sequences[0] + i), sequences);

            var last = (await server.Admin.GetFromJsonAsync<JsonArray>($"api/workflow-instances/{id}/journal?after={sequences[^2]}"))!;
            Assert.Equal("WorkflowFaulted", Assert.Single(last)!["kind"]!.GetValue<string>());
            var bad = await server.Admin.GetAsync($"api/workflow-instances/{id}/journal?take=0");
            await HttpAssert.StatusAsync(HttpStatusCode.BadRequest, bad);
            Assert.Contains("take", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            workflows.Delete(recursive: true);
        }
    }

    private static string NextOf(string link)
    {
        Assert.EndsWith("; rel=\"next\"", link, StringComparison.Ordinal);
        var target = link[(link.IndexOf('<', StringComparison.Ordinal) + 1)..link.IndexOf('>', StringComparison.Ordinal)];
        return target.TrimStart('/');
    }

    /// <summary>Start → a → b → a → ...: two WriteLines that call each other for ever.</summary>
    private static string PingPong()
    {
        static JsonObject Say(string id) => new()
        {
            ["id"] = id,
            ["type"] = "Elsa.WriteLine",
            ["text"] = new JsonObject { ["typeName"] = "String", ["expression"] = new JsonObject { ["type"] = "Literal", ["value"] = id } },
        };

        static JsonObject Connect(string from, string to) => new()
        {
            ["source"] = new JsonObject { ["activity"] = from, ["port"] = "Done" },
            ["target"] = new JsonObject { ["activity"] = to, ["port"] = "In" },
        };

        return new JsonObject
        {
            ["id"] = "ping-pong-v1",
            ["definitionId"] = "ping-pong",
            ["name"] = "ping-pong",
            ["version"] = 1,
            ["isLatest"] = true,
            ["isPublished"] = true,
            ["root"] = new JsonObject
            {
                ["type"] = "Elsa.Flowchart",
                ["id"] = "flow",
                ["activities"] = new JsonArray(new JsonObject { ["id"] = "start", ["type"] = "Elsa.Start" }, Say("a"), Say("b")),
                ["connections"] = new JsonArray(Connect("start", "a"), Connect("a", "b"), Connect("b", "a")),
            },
        }.ToJsonString();
    }
}

/// <summary><see cref="LoopBudgetApiTests"/> on PostgreSQL.</summary>
public sealed class LoopBudgetPostgreSqlApiTests : LoopBudgetApiTests
{
    /// <inheritdoc />
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
