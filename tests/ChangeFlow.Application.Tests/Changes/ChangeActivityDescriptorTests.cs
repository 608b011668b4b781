using ChangeFlow.Application.Changes.Activities;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Testing;

namespace ChangeFlow.Application.Tests.Changes;

/// <summary>The ChangeFlow activities as a designer and the loader see them.</summary>
public sealed class ChangeActivityDescriptorTests
{
    private static readonly ActivityRegistry Registry = ChangeEnablementActivities.CreateRegistry();

    [Fact]
    public void AddChangeEnablement_RegistersEveryChangeFlowType_InOneCategory_WithADescription()
    {
        var ours = ActivityRegistry.CreateDefault().AddChangeEnablement().Descriptors.Where(d => d.Namespace == "ChangeFlow").ToList();

        Assert.Equal(
            ["AwaitCheckpoints", "AwaitWindow", "CreateImprovementItems", "DetectConflicts", "HumanTask", "Notify", "PerformRollback", "RequestApproval", "RollbackDecisionPoint", "ScheduleOnCabAgenda", "SchedulePir", "SetChangeState"],
            ours.Select(d => d.TypeName["ChangeFlow.".Length..]).Order(StringComparer.Ordinal));
        Assert.All(ours, d =>
        {
            Assert.Equal(ChangeActivity.Category, d.Category);
            Assert.EndsWith(".", d.Description, StringComparison.Ordinal);
            Assert.True(d.DynamicOutcomes || d.Outcomes.Count > 0, d.TypeName);
        });
    }

    [Fact]
    public void Loader_LoadsEveryShippedChangeWorkflow_WithoutProblems()
    {
        var loader = new WorkflowLoader(Registry);
        var files = Directory.GetFiles(Path.Combine(RepositoryPaths.Workflows, "changes"), "*.json");

        Assert.Equal(3, files.Length);
        Assert.All(files, file =>
        {
            var result = loader.Load(File.ReadAllText(file));
            Assert.True(result.Problems.Count == 0, $"{file}: {string.Join("; ", result.Problems)}");
        });
    }

    [Fact]
    public void Loader_RefusesAConnectionFromAnOutcomeTheHumanTaskDoesNotHave()
    {
        const string json = """
            {"id":"t","definitionId":"t","version":1,"root":{"type":"Elsa.Flowchart","id":"f","activities":[
              {"id":"task","type":"ChangeFlow.HumanTask","title":"Review","assignees":["role:ChangeManager"],"outcomes":["Held"]},
              {"id":"next","type":"Elsa.WriteLine","text":"x"}],
             "connections":[{"source":{"activity":"task","port":"Skipped"},"target":{"activity":"next","port":"In"}}]}}
            """;

        var result = new WorkflowLoader(Registry).Load(json);

        Assert.Contains(result.Problems, p => p.Path.Contains("connections[0]", StringComparison.Ordinal) && p.Message.Contains("Held, TimedOut", StringComparison.Ordinal));
    }
}
