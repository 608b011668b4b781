using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class FlowForkTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Execute_CompletesWithEveryBranch_AndBranchesInterleaveInConnectionOrder()
    {
        // The Review connection is listed before the Build connection, although "Build" comes first in 'branches'.
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Build", "Review")
            .WriteLine("b1", "build 1")
            .WriteLine("b2", "build 2")
            .WriteLine("r1", "review 1")
            .WriteLine("r2", "review 2")
            .Connect("start", "fork")
            .Connect("fork", "Review", "r1")
            .Connect("fork", "Build", "b1")
            .Chain("r1", "r2")
            .Chain("b1", "b2");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["Build", "Review"], Assert.Single(state.Journal, e => e.ActivityId == "fork").Outcomes!);
        Assert.Equal(["review 1", "build 1", "review 2", "build 2"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_StartsTheBranchesAScriptNames_WhenBranchesIsAnExpression()
    {
        var flow = new FlowchartJson()
            .Start()
            .Activity("fork", "Elsa.FlowFork", new() { ["branches"] = JavaScript("['X', 'Y']", "String[]") })
            .WriteLine("x", "x")
            .WriteLine("y", "y")
            .Connect("start", "fork")
            .Connect("fork", "X", "x")
            .Connect("fork", "Y", "y");

        await _engine.StartAsync(flow);

        Assert.Equal(["x", "y"], _engine.Lines);
    }

    [Fact]
    public async Task Execute_RunsAFollowerWithTwoInboundBranchesOnce_AfterBothArrived()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "A", "B")
            .WriteLine("a1", "a1")
            .WriteLine("b1", "b1")
            .WriteLine("b2", "b2")
            .WriteLine("merge", "merged")
            .Connect("start", "fork")
            .Connect("fork", "A", "a1")
            .Connect("fork", "B", "b1")
            .Chain("b1", "b2")
            .Connect("a1", "merge")
            .Connect("b2", "merge");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["a1", "b1", "b2", "merged"], _engine.Lines);
        Assert.Equal(1, state.CompletedCount("merge"));
    }

    [Fact]
    public async Task Execute_SuspendsOnEveryBlockingBranch_WhenBranchesWait()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "A", "B")
            .Event("a", "a")
            .Event("b", "b")
            .Connect("start", "fork")
            .Connect("fork", "A", "a")
            .Connect("fork", "B", "b");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        Assert.Equal(["a", "b"], state.Bookmarks.Select(b => b.ActivityId));
    }
}
