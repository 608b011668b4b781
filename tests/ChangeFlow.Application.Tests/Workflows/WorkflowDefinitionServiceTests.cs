using System.Text.Json.Nodes;
using ChangeFlow.Application.Tests.Support;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Loading;

namespace ChangeFlow.Application.Tests.Workflows;

/// <summary>Versions, publishing and the import of a workflow directory, with instances running on a real SQLite file.</summary>
public sealed class WorkflowDefinitionServiceTests : RuntimeTestBase, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("changeflow-import-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task ImportAsync_PublishesANewVersion_ThatNewInstancesUse_WhileARunningInstanceFinishesOnItsOwn()
    {
        await Harness.PublishAsync("approval");
        var before = await Harness.StartAsync("approval");

        var v2 = await Harness.Definitions.ImportAsync(ApprovalWithOutcome("Approved in v2"), "test:approval", publish: true, Ct);
        var after = await Harness.StartAsync("approval");

        Assert.Equal(("added", 2), (v2.Result, v2.Version));
        Assert.Equal((1, "approval:v1"), (before.DefinitionVersion, before.DefinitionVersionId));
        Assert.Equal((2, "approval:v2"), (after.DefinitionVersion, after.DefinitionVersionId));

        var delivered = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved"), Ct);

        Assert.Equal(new[] { before.Id, after.Id }.Order(StringComparer.Ordinal), delivered.InstanceIds.Order(StringComparer.Ordinal));
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(before.Id));
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(after.Id));
        Assert.Equal("Approved", await Harness.OutcomeAsync(before.Id));
        Assert.Equal("Approved in v2", await Harness.OutcomeAsync(after.Id));
        var versions = await Harness.Node.DefinitionStore.ListVersionsAsync("approval", Ct);
        Assert.Equal(new[] { false, true }, versions.Select(v => v.IsPublished));
    }

    [Fact]
    public async Task PublishAsync_StartsNewInstancesOnAnOlderVersion_WhenItIsPublishedAgain()
    {
        await Harness.PublishAsync("approval");
        await Harness.Definitions.ImportAsync(ApprovalWithOutcome("Approved in v2"), "test:approval", publish: true, Ct);

        var change = await Harness.Definitions.PublishAsync("approval", 1, Ct);
        var started = await Harness.StartAsync("approval");

        Assert.True(change.Succeeded);
        Assert.Equal((1, true), (change.Version?.Version, change.Version?.IsPublished));
        Assert.Equal(1, started.DefinitionVersion);
        await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved"), Ct);
        Assert.Equal("Approved", await Harness.OutcomeAsync(started.Id));
    }

    [Fact]
    public async Task ImportDirectoryAsync_ReportsAndSkipsInvalidFiles_AndLeavesUnchangedFilesAlone()
    {
        await File.WriteAllTextAsync(Path.Combine(_directory, "approval.json"), RuntimeHarness.ReadWorkflow("approval"));
        var broken = JsonNode.Parse(RuntimeHarness.ReadWorkflow("approval"))!;
        broken["definitionId"] = "broken";
        broken["root"]!["activities"]![1]!["type"] = "Elsa.NoSuchActivity";
        await File.WriteAllTextAsync(Path.Combine(_directory, "broken.json"), broken.ToJsonString());
        await File.WriteAllTextAsync(Path.Combine(_directory, "garbled.json"), "{ \"definitionId\": \"garbled\", ");

        var first = await Harness.Definitions.ImportDirectoryAsync(_directory, Ct);

        Assert.Equal(
            new[] { ("approval.json", "added", (int?)1), ("broken.json", "invalid", null), ("garbled.json", "invalid", null) },
            first.Select(o => (o.File, o.Result, o.Version)));
        Assert.All(first.Where(o => o.Result == "invalid"), o => Assert.Contains(o.Problems, p => p.Severity == ProblemSeverity.Error));
        Assert.Contains(first[1].Problems, p => p.Message.Contains("Elsa.NoSuchActivity", StringComparison.Ordinal));
        Assert.Null(await Harness.Node.DefinitionStore.FindLatestAsync("broken", Ct));
        Assert.Null(await Harness.Node.DefinitionStore.FindLatestAsync("garbled", Ct));
        var imported = await Harness.Node.DefinitionStore.FindPublishedAsync("approval", Ct);
        Assert.Equal(("file:approval.json", 1), (imported?.Source, imported?.Version));

        var second = await Harness.Definitions.ImportDirectoryAsync(_directory, Ct);

        Assert.Equal(new[] { "unchanged", "invalid", "invalid" }, second.Select(o => o.Result));
        Assert.Equal(1, second[0].Version);
        Assert.Single(await Harness.Node.DefinitionStore.ListVersionsAsync("approval", Ct));

        await File.WriteAllTextAsync(Path.Combine(_directory, "approval.json"), ApprovalWithOutcome("Approved from the edited file"));
        var third = await Harness.Definitions.ImportDirectoryAsync(_directory, Ct);

        Assert.Equal(("added", 2), (third[0].Result, third[0].Version));
        Assert.Equal(2, (await Harness.Node.DefinitionStore.FindPublishedAsync("approval", Ct))?.Version);
    }

    [Fact]
    public async Task ImportDirectoryAsync_ImportsNothing_WhenTheDirectoryDoesNotExist()
    {
        Assert.Empty(await Harness.Definitions.ImportDirectoryAsync(Path.Combine(_directory, "missing"), Ct));
        Assert.Empty(await Harness.Node.DefinitionStore.ListLatestAsync(Ct));
    }

    /// <summary>approval.json with another value for the Outcome it records: changed text, so a new version.</summary>
    private static string ApprovalWithOutcome(string outcome)
    {
        var document = JsonNode.Parse(RuntimeHarness.ReadWorkflow("approval"))!;
        var record = document["root"]!["activities"]!.AsArray().Single(a => (string?)a!["id"] == "record")!;
        record["value"]!["expression"]!["value"] = outcome;
        return document.ToJsonString();
    }
}
