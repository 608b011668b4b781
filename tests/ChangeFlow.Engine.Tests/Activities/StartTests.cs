using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class StartTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Execute_CompletesWithDoneAndRunsFirst_WhenItIsNotTheFirstActivityListed()
    {
        var flow = new FlowchartJson()
            .WriteLine("hello", "hello")
            .Start()
            .Connect("start", "hello");

        var (_, state) = await _engine.StartAsync(flow);

        var first = state.Journal[0];
        Assert.Equal("start", first.ActivityId);
        Assert.Equal("Elsa.Start", first.ActivityType);
        Assert.Equal(JournalEventKind.Completed, first.Kind);
        Assert.Equal(["Done"], first.Outcomes!);
        Assert.Equal(["start", "hello"], state.Completed());
        Assert.Equal(["hello"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_FinishesTheInstance_WhenStartIsTheOnlyActivity()
    {
        var (_, state) = await _engine.StartAsync(new FlowchartJson().Start());

        Assert.Equal(["start"], state.Completed());
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(EngineFixture.StartInstant, state.FinishedAt);
    }
}
