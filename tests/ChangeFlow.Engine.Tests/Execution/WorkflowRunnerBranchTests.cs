using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Execution;

/// <summary>Parallel branches: nesting, and what a fault in one branch does to the others.</summary>
public sealed class WorkflowRunnerBranchTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task ForkInsideFork_JoinsTheInnerBranchesThenTheOuterOnes_InterleavedBreadthFirst()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("outer", "A", "B")
            .Fork("inner", "A1", "A2")
            .WriteLine("a1", "a1")
            .WriteLine("a2", "a2")
            .Join("innerJoin", "WaitAll")
            .WriteLine("innerDone", "inner joined")
            .WriteLine("b1", "b1")
            .WriteLine("b2", "b2")
            .Join("outerJoin", "WaitAll")
            .WriteLine("done", "all joined")
            .Connect("start", "outer")
            .Connect("outer", "A", "inner")
            .Connect("outer", "B", "b1")
            .Connect("inner", "A1", "a1")
            .Connect("inner", "A2", "a2")
            .Connect("a1", "innerJoin")
            .Connect("a2", "innerJoin")
            .Chain("innerJoin", "innerDone", "outerJoin")
            .Chain("b1", "b2", "outerJoin")
            .Connect("outerJoin", "done");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["b1", "a1", "a2", "b2", "inner joined", "all joined"], _engine.Lines);
        Assert.Equal(1, state.CompletedCount("innerJoin"));
        Assert.Equal(1, state.CompletedCount("outerJoin"));
        Assert.Empty(state.Joins);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task ForkInsideFork_WaitAnyOnTheInnerJoinCancelsOnlyItsOwnBranches()
    {
        // Inner: A1 waits for "x", A2 runs at once → inner WaitAny fires on A2 and cancels A1's bookmark.
        // Outer: branch B waits for "b"; its bookmark is not upstream of the inner join and must survive.
        var flow = new FlowchartJson()
            .Start()
            .Fork("outer", "A", "B")
            .Fork("inner", "A1", "A2")
            .Event("x", "x")
            .WriteLine("a2", "a2")
            .Join("innerJoin", "WaitAny")
            .Event("b", "b")
            .Join("outerJoin", "WaitAll")
            .WriteLine("done", "all joined")
            .Connect("start", "outer")
            .Connect("outer", "A", "inner")
            .Connect("outer", "B", "b")
            .Connect("inner", "A1", "x")
            .Connect("inner", "A2", "a2")
            .Connect("x", "innerJoin")
            .Connect("a2", "innerJoin")
            .Connect("innerJoin", "outerJoin")
            .Connect("b", "outerJoin")
            .Connect("outerJoin", "done");

        var (definition, state) = await _engine.StartAsync(flow);

        Assert.Equal(["a2"], _engine.Lines);
        Assert.Equal("b", Assert.Single(state.Bookmarks).ActivityId);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);

        await _engine.ResumeActivityAsync(definition, state, "b");

        Assert.Equal(["a2", "all joined"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    /// <summary>Fork → (Safe: Delay 1 h → "safe done" → end) and (Risky: Event "go" → Fault → "after fault" → end).</summary>
    private static FlowchartJson FaultInABranch(bool continueOnIncidents)
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Safe", "Risky")
            .Delay("delay", "01:00:00")
            .WriteLine("safe", "safe done")
            .Event("go", "go")
            .Fault("fault", "E42", "boom")
            .WriteLine("afterFault", "after fault")
            .WriteLine("end", "end")
            .Connect("start", "fork")
            .Connect("fork", "Safe", "delay")
            .Chain("delay", "safe", "end")
            .Connect("fork", "Risky", "go")
            .Chain("go", "fault", "afterFault", "end");
        return continueOnIncidents ? flow.ContinueOnIncidents() : flow;
    }

    [Fact]
    public async Task FaultInOneBranch_FaultsTheInstanceAndWithdrawsTheOtherBranchTimer_ByDefault()
    {
        var (definition, state) = await _engine.StartAsync(FaultInABranch(continueOnIncidents: false));
        var timer = state.BookmarkOf("delay");

        await _engine.ResumeActivityAsync(definition, state, "go");

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal(("fault", "E42", "boom"), (incident.ActivityId, incident.Code, incident.Message));
        Assert.Empty(state.Bookmarks);
        Assert.Empty(state.Queue);
        Assert.Empty(_engine.Ports.Timers);
        Assert.Equal(timer.Id, Assert.Single(_engine.Ports.Unscheduled).BookmarkId);
        Assert.Empty(_engine.Lines);
        Assert.False((await _engine.Runner.ResumeAsync(definition, state, timer.Id)).Accepted);
    }

    [Fact]
    public async Task FaultInOneBranch_StopsTheInstanceBeforeOtherQueuedWorkRuns_ByDefault()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Safe", "Risky")
            .WriteLine("s1", "safe 1")
            .WriteLine("s2", "safe 2")
            .Fault("fault", null, "boom")
            .Connect("start", "fork")
            .Connect("fork", "Safe", "s1")
            .Connect("s1", "s2")
            .Connect("fork", "Risky", "fault");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["safe 1"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Empty(state.Queue);
    }

    [Fact]
    public async Task FaultInOneBranch_LetsTheOtherBranchFinish_WhenTheStrategyIsContinue()
    {
        var (definition, state) = await _engine.StartAsync(FaultInABranch(continueOnIncidents: true));

        await _engine.ResumeActivityAsync(definition, state, "go");

        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        Assert.Equal("fault", Assert.Single(state.Incidents).ActivityId);
        Assert.Equal("delay", Assert.Single(state.Bookmarks).ActivityId);
        Assert.Empty(_engine.Lines);

        _engine.Clock.Advance(TimeSpan.FromHours(1));
        await _engine.ResumeActivityAsync(definition, state, "delay");

        Assert.Equal(["safe done", "end"], _engine.Lines);
        Assert.Equal(0, state.CompletedCount("afterFault"));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Single(state.Incidents);
    }

    [Fact]
    public async Task FaultInOneBranch_MakesAWaitAllJoinDead_WhenTheStrategyIsContinue()
    {
        var flow = new FlowchartJson()
            .ContinueOnIncidents()
            .Start()
            .Fork("fork", "Safe", "Risky")
            .WriteLine("safe", "safe")
            .Fault("fault", "E1", "boom")
            .Join("join", "WaitAll")
            .WriteLine("joined", "joined")
            .Connect("start", "fork")
            .Connect("fork", "Safe", "safe")
            .Connect("fork", "Risky", "fault")
            .Connect("safe", "join")
            .Connect("fault", "join")
            .Connect("join", "joined");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["safe"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Single(state.Incidents);
    }
}
