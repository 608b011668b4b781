using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class EndTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Execute_CompletesWithoutOutcomesAndFinishes_WhenItEndsTheOnlyPath()
    {
        var flow = new FlowchartJson()
            .Start()
            .WriteLine("say", "bye")
            .End("end")
            .Chain("start", "say", "end");

        var (_, state) = await _engine.StartAsync(flow);

        var end = Assert.Single(state.Journal, e => e.ActivityId == "end");
        Assert.Equal(JournalEventKind.Completed, end.Kind);
        Assert.Empty(end.Outcomes!);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_LeavesTheInstanceWaiting_WhenAnotherBranchStillHasABookmark()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Short", "Long")
            .End("end")
            .Event("wait", "go")
            .WriteLine("after", "after go")
            .Connect("start", "fork")
            .Connect("fork", "Short", "end")
            .Connect("fork", "Long", "wait")
            .Connect("wait", "after");

        var (definition, state) = await _engine.StartAsync(flow);

        Assert.Equal(1, state.CompletedCount("end"));
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        Assert.Empty(_engine.Lines);

        await _engine.ResumeActivityAsync(definition, state, "wait");

        Assert.Equal(["after go"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }
}
