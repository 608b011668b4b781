using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class FinishTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Execute_CancelsOtherBookmarksAndUnschedulesTheirTimers_WhenOtherBranchesWait()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Timeout", "Other", "Go")
            .Delay("delay", "01:00:00")
            .WriteLine("late", "timed out")
            .Event("other", "other")
            .Event("go", "go")
            .Finish("finish")
            .Connect("start", "fork")
            .Connect("fork", "Timeout", "delay")
            .Connect("delay", "late")
            .Connect("fork", "Other", "other")
            .Connect("fork", "Go", "go")
            .Connect("go", "finish");
        var (definition, state) = await _engine.StartAsync(flow);
        var timer = state.BookmarkOf("delay");
        Assert.True(_engine.Ports.Timers.ContainsKey(timer.Id));
        Assert.Equal(3, state.Bookmarks.Count);

        await _engine.ResumeActivityAsync(definition, state, "go");

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(state.Queue);
        Assert.Empty(_engine.Ports.Timers);
        var withdrawn = Assert.Single(_engine.Ports.Unscheduled, t => t.BookmarkId == timer.Id);
        Assert.Equal(state.Id, withdrawn.InstanceId);
        Assert.Equal(EngineFixture.StartInstant.AddHours(1), withdrawn.DueAt);
        Assert.Equal(1, state.CompletedCount("finish"));
        Assert.Equal(JournalEventKind.WorkflowFinished, state.Journal[^1].Kind);

        var late = await _engine.Runner.ResumeAsync(definition, state, timer.Id);
        Assert.False(late.Accepted);
        Assert.Empty(_engine.Lines);
    }

    [Fact]
    public async Task Execute_DropsQueuedWorkAndTimersNotYetHandedOver_WhenOtherBranchesRunInTheSameRun()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Wait", "Slow", "Stop")
            .Delay("delay", "00:10:00")
            .WriteLine("s1", "slow 1")
            .WriteLine("s2", "slow 2")
            .Finish("finish")
            .Connect("start", "fork")
            .Connect("fork", "Wait", "delay")
            .Connect("fork", "Slow", "s1")
            .Connect("s1", "s2")
            .Connect("fork", "Stop", "finish");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["slow 1"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(state.Queue);
        Assert.Empty(_engine.Ports.Timers);
        Assert.Empty(_engine.Ports.Unscheduled);
    }
}
