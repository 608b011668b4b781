using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Execution;

/// <summary>An instance runs on the definition version it started on.</summary>
public sealed class WorkflowRunnerVersionTests
{
    private readonly EngineFixture _engine = new();

    private static FlowchartJson Version(int version) => new FlowchartJson("change-approval", version)
        .Start()
        .Event("wait", "approved")
        .WriteLine("say", $"approved on v{version}")
        .Chain("start", "wait", "say");

    [Fact]
    public async Task Start_PinsTheInstanceToTheDefinitionVersion()
    {
        var (_, state) = await _engine.StartAsync(Version(2));

        Assert.Equal("change-approval", state.DefinitionId);
        Assert.Equal("change-approval-v2", state.DefinitionVersionId);
        Assert.Equal(2, state.DefinitionVersion);
    }

    [Fact]
    public async Task Resume_IsRejectedAndChangesNothing_WhenGivenAnotherVersionOfTheDefinition()
    {
        var (v1, state) = await _engine.StartAsync(Version(1));
        var v2 = _engine.Load(Version(2).Build());
        var bookmark = state.BookmarkOf("wait");
        var snapshot = WorkflowStateSerializer.Serialize(state);

        var wrong = await _engine.Runner.ResumeAsync(v2, state, bookmark.Id);

        Assert.False(wrong.Accepted);
        Assert.Contains("change-approval-v1", wrong.Rejection, StringComparison.Ordinal);
        Assert.Contains("change-approval-v2", wrong.Rejection, StringComparison.Ordinal);
        Assert.Equal(snapshot, WorkflowStateSerializer.Serialize(state));
        Assert.Empty(_engine.Lines);

        await _engine.ResumeAsync(v1, state, bookmark.Id);

        Assert.Equal(["approved on v1"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task ContinueAndCancel_AreRejected_WhenGivenAnotherVersionOfTheDefinition()
    {
        var (_, state) = await _engine.StartAsync(Version(1));
        var v2 = _engine.Load(Version(2).Build());
        var snapshot = WorkflowStateSerializer.Serialize(state);

        Assert.False((await _engine.Runner.ContinueAsync(v2, state)).Accepted);
        Assert.False((await _engine.Runner.CancelAsync(v2, state)).Accepted);
        Assert.Equal(snapshot, WorkflowStateSerializer.Serialize(state));
    }
}
