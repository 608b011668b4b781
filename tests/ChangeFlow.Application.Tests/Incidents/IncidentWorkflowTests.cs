using ChangeFlow.Application.Changes.Activities;
using ChangeFlow.Application.Incidents.Activities;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Testing;

namespace ChangeFlow.Application.Tests.Incidents;

public sealed class IncidentWorkflowTests
{
    [Fact]
    public void AddIncidentManagement_RegistersTheIncidentActivities_InTheirCategory_WithADescription()
    {
        var registry = ChangeEnablementActivities.CreateRegistry();
        var ours = registry.Descriptors.Where(d => d.Category == IncidentActivity.Category).ToList();

        Assert.Equal(["ChangeFlow.AwaitIncidentClosure", "ChangeFlow.TrackIncidentSla"], ours.Select(d => d.TypeName).Order(StringComparer.Ordinal));
        Assert.All(ours, d => Assert.EndsWith(".", d.Description, StringComparison.Ordinal));
    }

    [Fact]
    public void Loader_LoadsTheShippedIncidentLifecycle_WithoutProblems()
    {
        var result = new WorkflowLoader(ChangeEnablementActivities.CreateRegistry()).Load(File.ReadAllText(Path.Combine(RepositoryPaths.Workflows, "incident-lifecycle.json")));

        Assert.True(result.Problems.Count == 0, string.Join("; ", result.Problems));
        Assert.Equal("incident-lifecycle", result.Definition!.DefinitionId);
    }
}
