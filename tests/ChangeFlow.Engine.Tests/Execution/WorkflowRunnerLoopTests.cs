using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Execution;

/// <summary>Loops: connections back to an earlier activity, their exits, and the guard against loops that never wait.</summary>
public sealed class WorkflowRunnerLoopTests
{
    private readonly EngineFixture _engine = new();

    /// <summary>inc (Counter + 1) → check (Counter &lt; 3): True → print → back to inc; False → the exit, left to the caller.</summary>
    private static FlowchartJson CounterLoop(FlowchartJson flow, string entry, string entryPort = "Done") => flow
        .Variable("Counter", "Int32", "0")
        .SetVariable("inc", "Counter", JavaScript("getCounter() + 1"))
        .Decision("check", "getVariable('Counter') < 3")
        .WriteLine("print", JavaScript("'Counter: ' + getCounter()"))
        .Connect(entry, entryPort, "inc")
        .Connect("inc", "check")
        .Connect("check", "True", "print")
        .Connect("print", "inc");

    [Fact]
    public async Task CounterLoop_RunsTheBodyUntilTheConditionFails_ThenLeavesThroughTheExit()
    {
        var flow = CounterLoop(new FlowchartJson().Start(), "start")
            .WriteLine("done", "done")
            .Connect("check", "False", "done");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["Counter: 1", "Counter: 2", "done"], _engine.Lines);
        Assert.Equal(3, state.Variables["Counter"]!.GetValue<int>());
        Assert.Equal(3, state.CompletedCount("inc"));
        Assert.Equal(3, state.CompletedCount("check"));
        Assert.Equal(2, state.CompletedCount("print"));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    /// <summary>Fork → (Loop: the counter loop, exit → join) and (Side: side → join) → join → "joined".</summary>
    private static FlowchartJson LoopBesideABranch(string? joinMode, bool sideWaits)
    {
        var flow = new FlowchartJson().Start().Fork("fork", "Loop", "Side").Connect("start", "fork");
        flow = CounterLoop(flow, "fork", "Loop");
        if (joinMode is null)
        {
            // No FlowJoin: "joined" itself has two inbound connections (the default wait-all-active rule).
            flow.WriteLine("join", "joined");
        }
        else
        {
            flow.Join("join", joinMode).WriteLine("after", "joined").Connect("join", "after");
        }

        flow.Connect("check", "False", "join").WriteLine("side", "side").Connect("side", "join");
        if (sideWaits)
        {
            flow.Event("wait", "side-ready").Connect("fork", "Side", "wait").Connect("wait", "side");
        }
        else
        {
            flow.Connect("fork", "Side", "side");
        }

        return flow;
    }

    [Theory]
    [InlineData("WaitAll")]
    [InlineData("WaitAllActive")]
    [InlineData(null)]
    public async Task LoopExitIntoAJoin_DoesNotFireTheJoinBeforeTheLoopExits_WhenTheParallelBranchArrivesFirst(string? joinMode)
    {
        var flow = LoopBesideABranch(joinMode, sideWaits: false);
        // The fork's connections are written Loop first, so the loop's first step runs before the side branch.
        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["side", "Counter: 1", "Counter: 2", "joined"], _engine.Lines);
        Assert.Equal(1, state.CompletedCount("join"));
        Assert.Empty(state.Joins);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("WaitAll")]
    [InlineData("WaitAllActive")]
    [InlineData(null)]
    public async Task LoopExitIntoAJoin_WaitsForTheParallelBranch_WhenTheLoopExitsFirst(string? joinMode)
    {
        var (definition, state) = await _engine.StartAsync(LoopBesideABranch(joinMode, sideWaits: true));
        Assert.Equal(["Counter: 1", "Counter: 2"], _engine.Lines);
        Assert.Equal(0, state.CompletedCount("join"));
        Assert.Equal(WorkflowStatus.Suspended, state.Status);

        await _engine.ResumeActivityAsync(definition, state, "wait");

        Assert.Equal(["Counter: 1", "Counter: 2", "side", "joined"], _engine.Lines);
        Assert.Equal(1, state.CompletedCount("join"));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Loop_RunsAnImplicitJoinInsideTheBodyOncePerPass_WhenTheBodyHasADecision()
    {
        // inc → parity (odd?) → odd / even → merge → check (< 4) → back to inc; exit → done.
        var flow = new FlowchartJson()
            .Variable("Counter", "Int32", "0")
            .Start()
            .SetVariable("inc", "Counter", JavaScript("getCounter() + 1"))
            .Decision("parity", "getCounter() % 2 === 1")
            .WriteLine("odd", JavaScript("getCounter() + ' is odd'"))
            .WriteLine("even", JavaScript("getCounter() + ' is even'"))
            .WriteLine("merge", "merged")
            .Decision("check", "getCounter() < 4")
            .WriteLine("done", "done")
            .Chain("start", "inc", "parity")
            .Connect("parity", "True", "odd")
            .Connect("parity", "False", "even")
            .Connect("odd", "merge")
            .Connect("even", "merge")
            .Connect("merge", "check")
            .Connect("check", "True", "inc")
            .Connect("check", "False", "done");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(
            ["1 is odd", "merged", "2 is even", "merged", "3 is odd", "merged", "4 is even", "merged", "done"],
            _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Loop_EvaluatesAStatementBodyWithConstOnEveryPass()
    {
        // One script engine serves the whole run; a const declared by one evaluation must not clash with the next.
        var flow = new FlowchartJson()
            .Variable("Counter", "Int32", "0")
            .Start()
            .SetVariable("inc", "Counter", JavaScript("const next = getCounter() + 1;\nreturn next;"))
            .Decision("check", "const limit = 3; return getCounter() < limit;")
            .WriteLine("done", "done")
            .Chain("start", "inc", "check")
            .Connect("check", "True", "inc")
            .Connect("check", "False", "done");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(3, state.Variables["Counter"]!.GetValue<int>());
        Assert.Equal(["done"], _engine.Lines);
        Assert.Empty(state.Incidents);
    }

    [Fact]
    public async Task LoopWithoutExit_FaultsWithTooManySteps_WhenTheRunExceedsTheActivityLimit()
    {
        var engine = new EngineFixture(maxActivitiesPerRun: 50);
        var flow = new FlowchartJson()
            .Start()
            .WriteLine("a", "a")
            .WriteLine("b", "b")
            .Chain("start", "a", "b", "a");

        var (_, state) = await engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("TooManySteps", incident.Code);
        Assert.Contains(incident.ActivityId, new[] { "a", "b" });
        Assert.Equal(49, engine.Lines.Count);
        Assert.Empty(state.Queue);
        Assert.Empty(state.Bookmarks);
    }

    [Fact]
    public async Task LoopWithoutExit_FaultsAtTenThousandActivities_WithABoundedJournal_UnderTheDefaultBudget()
    {
        var engine = new EngineFixture();
        var flow = new FlowchartJson()
            .Start()
            .WriteLine("a", "a")
            .WriteLine("b", "b")
            .Chain("start", "a", "b", "a");

        var (_, state) = await engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("TooManySteps", incident.Code);
        Assert.Contains("more than 10000 activities", incident.Message, StringComparison.Ordinal);
        Assert.Equal(9_999, engine.Lines.Count);
        // The run keeps its newest entries only, the fault among them.
        Assert.InRange(state.Journal.Count, 1, 2 * new WorkflowServices().MaxJournalEntries);
        Assert.Equal(JournalEventKind.WorkflowFaulted, state.Journal[^1].Kind);
        Assert.True(state.Journal[0].Sequence > 1);
    }

    [Fact]
    public async Task LoopWithoutExit_FaultsTheInstance_EvenWhenTheStrategyIsContinue()
    {
        // Two runaway loops side by side: the guard stops the run, and nothing may be left queued in a live-looking instance.
        var engine = new EngineFixture(maxActivitiesPerRun: 20);
        var flow = new FlowchartJson()
            .ContinueOnIncidents()
            .Start()
            .Fork("fork", "A", "B")
            .WriteLine("a1", "a1")
            .WriteLine("a2", "a2")
            .WriteLine("b1", "b1")
            .WriteLine("b2", "b2")
            .Connect("start", "fork")
            .Connect("fork", "A", "a1")
            .Connect("fork", "B", "b1")
            .Chain("a1", "a2", "a1")
            .Chain("b1", "b2", "b1");

        var (_, state) = await engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Equal("TooManySteps", Assert.Single(state.Incidents).Code);
        Assert.Empty(state.Queue);
        Assert.Equal(JournalEventKind.WorkflowFaulted, state.Journal[^1].Kind);
    }

    [Fact]
    public async Task LoopWithTwoExits_RunsTheMergeOfBothExitsOnce_WhenTheLoopLeavesThroughTheLaterExit()
    {
        // inc → early (Counter >= 10: exit) → check (Counter < 3: back to inc, else exit); both exits → merge.
        // On the last pass "early" skips its exit while staying in the loop, then "check" leaves through the other exit.
        var flow = new FlowchartJson()
            .Variable("Counter", "Int32", "0")
            .Start()
            .SetVariable("inc", "Counter", JavaScript("getCounter() + 1"))
            .Decision("early", "getCounter() >= 10")
            .Decision("check", "getCounter() < 3")
            .WriteLine("merge", "merged")
            .Chain("start", "inc", "early")
            .Connect("early", "True", "merge")
            .Connect("early", "False", "check")
            .Connect("check", "True", "inc")
            .Connect("check", "False", "merge");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["merged"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task LoopBreak_RunsTheCodeAfterTheLoopOnce_WhenTheLoopIsLeftThroughABreak()
    {
        // check (Counter < 5) → work → brk (Counter == 2: break) → inc → back to check; break and normal exit → after.
        var flow = new FlowchartJson()
            .Variable("Counter", "Int32", "0")
            .Start()
            .Decision("check", "getCounter() < 5")
            .WriteLine("work", JavaScript("'w' + getCounter()"))
            .Decision("brk", "getCounter() === 2")
            .SetVariable("inc", "Counter", JavaScript("getCounter() + 1"))
            .WriteLine("after", "after")
            .Chain("start", "check")
            .Connect("check", "True", "work")
            .Connect("work", "brk")
            .Connect("brk", "False", "inc")
            .Connect("inc", "check")
            .Connect("brk", "True", "after")
            .Connect("check", "False", "after");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["w0", "w1", "w2", "after"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.DeferredExits);
    }

    [Fact]
    public async Task LoopExit_StaysUndecidedWhileTheLoopWaits_AndIsProvenDeadWhenTheLoopEnds()
    {
        // A loop that waits for an event on every pass: while it waits, the join after it must not run.
        var flow = new FlowchartJson()
            .Variable("Counter", "Int32", "0")
            .Start()
            .Decision("check", "getCounter() < 2")
            .Event("wait", "next")
            .Decision("brk", "getCounter() === 1")
            .SetVariable("inc", "Counter", JavaScript("getCounter() + 1"))
            .WriteLine("after", "after")
            .Chain("start", "check")
            .Connect("check", "True", "wait")
            .Connect("wait", "brk")
            .Connect("brk", "False", "inc")
            .Connect("inc", "check")
            .Connect("brk", "True", "after")
            .Connect("check", "False", "after");

        var (definition, state) = await _engine.StartAsync(flow);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        Assert.NotEmpty(state.DeferredExits);

        await _engine.Runner.ResumeAsync(definition, state, state.Bookmarks[0].Id);
        Assert.Empty(_engine.Lines);
        await _engine.Runner.ResumeAsync(definition, state, state.Bookmarks[0].Id);

        Assert.Equal(["after"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task LoopThatWaitsOnEveryPass_DoesNotHitTheActivityLimit_BecauseTheLimitIsPerRun()
    {
        var engine = new EngineFixture(maxActivitiesPerRun: 5);
        var flow = new FlowchartJson()
            .Variable("Counter", "Int32", "0")
            .Start()
            .SetVariable("inc", "Counter", JavaScript("getCounter() + 1"))
            .Decision("check", "getCounter() < 10")
            .Delay("pause", "00:01:00")
            .WriteLine("done", "done")
            .Chain("start", "inc", "check")
            .Connect("check", "True", "pause")
            .Connect("pause", "inc")
            .Connect("check", "False", "done");
        var (definition, state) = await engine.StartAsync(flow);

        while (state.Status == WorkflowStatus.Suspended)
        {
            engine.Clock.Advance(TimeSpan.FromMinutes(1));
            await engine.ResumeActivityAsync(definition, state, "pause");
        }

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(10, state.Variables["Counter"]!.GetValue<int>());
        Assert.Equal(["done"], engine.Lines);
        Assert.Empty(state.Incidents);
    }
}
