using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Execution;

/// <summary>How the runner merges paths: the default wait-all-active rule, dead-path elimination, the join modes and <c>mergeMode</c>.</summary>
public sealed class WorkflowRunnerJoinTests
{
    private readonly EngineFixture _engine = new();

    /// <summary>Decision (always True) → "yes" / "no" → "merge" (a WriteLine with two inbound connections; <paramref name="mergeMode"/> sets its customProperties.mergeMode) → "after".</summary>
    private static FlowchartJson DecisionIntoMerge(string? mergeMode = null)
    {
        var flow = new FlowchartJson()
            .Start()
            .Decision("decide", "1 + 1 === 2")
            .WriteLine("yes", "yes")
            .WriteLine("no", "no")
            .WriteLine("merge", "merged")
            .WriteLine("after", "after")
            .Connect("start", "decide")
            .Connect("decide", "True", "yes")
            .Connect("decide", "False", "no")
            .Connect("yes", "merge")
            .Connect("no", "merge")
            .Connect("merge", "after");
        return mergeMode is null ? flow : flow.CustomProperty("merge", "mergeMode", mergeMode);
    }

    [Fact]
    public async Task ImplicitJoin_RunsOnce_WhenOneInboundPathIsDead()
    {
        var (_, state) = await _engine.StartAsync(DecisionIntoMerge());

        Assert.Equal(["yes", "merged", "after"], _engine.Lines);
        Assert.Equal(1, state.CompletedCount("merge"));
        Assert.Equal(0, state.CompletedCount("no"));
        Assert.Empty(state.Joins);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task ImplicitJoin_RunsOnce_WhenTheDeadPathIsProvenDeadSeveralStepsUpstream()
    {
        // The untaken branch is three activities long; every one of them is skipped and the merge still runs.
        var flow = new FlowchartJson()
            .Start()
            .Decision("decide", "false")
            .WriteLine("t1", "t1")
            .WriteLine("t2", "t2")
            .WriteLine("t3", "t3")
            .WriteLine("f1", "f1")
            .WriteLine("merge", "merged")
            .Connect("start", "decide")
            .Connect("decide", "True", "t1")
            .Chain("t1", "t2", "t3", "merge")
            .Connect("decide", "False", "f1")
            .Connect("f1", "merge");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["f1", "merged"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task WaitAllJoin_DoesNotRunAndItsDownstreamIsDead_WhenOneBranchIsDead()
    {
        // Fork → (P: decision True → a / False → b → join(WaitAll) → x → merge) and (Q: y → merge).
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "P", "Q")
            .Decision("decide", "true")
            .WriteLine("a", "a")
            .WriteLine("b", "b")
            .Join("join", "WaitAll")
            .WriteLine("x", "x")
            .WriteLine("y", "y")
            .WriteLine("merge", "merged")
            .Connect("start", "fork")
            .Connect("fork", "P", "decide")
            .Connect("decide", "True", "a")
            .Connect("decide", "False", "b")
            .Connect("a", "join")
            .Connect("b", "join")
            .Chain("join", "x", "merge")
            .Connect("fork", "Q", "y")
            .Connect("y", "merge");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["y", "a", "merged"], _engine.Lines);
        Assert.Equal(0, state.CompletedCount("join"));
        Assert.Equal(0, state.CompletedCount("x"));
        Assert.Equal(1, state.CompletedCount("merge"));
        Assert.Empty(state.Joins);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    /// <summary>
    /// Fork → (Approval: Event "approved" → "approved") and (Timeout: Delay 1 h → "timed out") → join(WaitAny) → "done";
    /// a third branch waits for "audit" on its own so that the instance stays alive after the join.
    /// </summary>
    private static FlowchartJson EventRacesDelay() => new FlowchartJson()
        .Start()
        .Fork("fork", "Approval", "Timeout", "Audit")
        .Event("approval", "approved")
        .WriteLine("approved", "approved")
        .Delay("delay", "01:00:00")
        .WriteLine("timedOut", "timed out")
        .Join("join", "WaitAny")
        .WriteLine("done", "done")
        .Event("audit", "audit")
        .Connect("start", "fork")
        .Connect("fork", "Approval", "approval")
        .Connect("approval", "approved")
        .Connect("fork", "Timeout", "delay")
        .Connect("delay", "timedOut")
        .Connect("approved", "join")
        .Connect("timedOut", "join")
        .Connect("join", "done")
        .Connect("fork", "Audit", "audit");

    [Fact]
    public async Task WaitAnyJoin_CancelsTheLosingBranchPendingTimerAndBookmark_WhenTheOtherBranchArrives()
    {
        var (definition, state) = await _engine.StartAsync(EventRacesDelay());
        var timer = state.BookmarkOf("delay");
        Assert.Equal(EngineFixture.StartInstant.AddHours(1), _engine.Ports.Timers[timer.Id].DueAt);

        await _engine.ResumeActivityAsync(definition, state, "approval");

        Assert.Equal(["approved", "done"], _engine.Lines);
        Assert.DoesNotContain(state.Bookmarks, b => b.ActivityId == "delay");
        Assert.False(_engine.Ports.Timers.ContainsKey(timer.Id));
        var withdrawn = Assert.Single(_engine.Ports.Unscheduled);
        Assert.Equal((state.Id, timer.Id, timer.DueAt), (withdrawn.InstanceId, withdrawn.BookmarkId, (DateTimeOffset?)withdrawn.DueAt));
        var cancelled = Assert.Single(state.Journal, e => e.Kind == JournalEventKind.Cancelled);
        Assert.Equal("delay", cancelled.ActivityId);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        Assert.Equal("audit", Assert.Single(state.Bookmarks).ActivityId);

        // The instance is still active, so the rejection is about the bookmark itself.
        var snapshot = WorkflowStateSerializer.Serialize(state);
        var late = await _engine.Runner.ResumeAsync(definition, state, timer.Id);
        Assert.False(late.Accepted);
        Assert.Contains(timer.Id, late.Rejection, StringComparison.Ordinal);
        Assert.Equal(snapshot, WorkflowStateSerializer.Serialize(state));
        Assert.Equal(["approved", "done"], _engine.Lines);
    }

    [Fact]
    public async Task WaitAnyJoin_CancelsTheLosingEventBookmark_WhenTheTimerWins()
    {
        var (definition, state) = await _engine.StartAsync(EventRacesDelay());
        _engine.Clock.Advance(TimeSpan.FromHours(1));

        await _engine.ResumeActivityAsync(definition, state, "delay");

        Assert.Equal(["timed out", "done"], _engine.Lines);
        Assert.DoesNotContain(state.Bookmarks, b => b.ActivityId == "approval");
        Assert.Empty(WorkflowRunner.FindBookmarks(state, "Elsa.Event", new JsonObject { ["eventName"] = "approved" }));
        Assert.Empty(_engine.Ports.Timers);
    }

    [Fact]
    public async Task WaitAnyJoin_RemovesTheLosingBranchFromTheQueue_WhenItHasNotRunYet()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Fast", "Slow")
            .WriteLine("f1", "fast")
            .WriteLine("s1", "slow 1")
            .WriteLine("s2", "slow 2")
            .Join("join", "WaitAny")
            .WriteLine("done", "done")
            .Connect("start", "fork")
            .Connect("fork", "Fast", "f1")
            .Connect("fork", "Slow", "s1")
            .Chain("s1", "s2", "join")
            .Connect("f1", "join")
            .Connect("join", "done");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["fast", "done"], _engine.Lines);
        Assert.Equal(0, state.CompletedCount("s1"));
        Assert.Equal(1, state.CompletedCount("join"));
        Assert.Equal("s1", Assert.Single(state.Journal, e => e.Kind == JournalEventKind.Cancelled).ActivityId);
        Assert.Empty(state.Queue);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task WaitAnyJoin_ProvesTheCancelledBranchDeadForAnotherJoinItAlsoFeeds()
    {
        // Fork → (A: Event "go" → w1 → join) (B: Event "late" → w2 → join and → merge) (C: w3 → merge).
        // When A wins, B's bookmark is cancelled, and "merge" must not wait for w2 any more.
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "A", "B", "C")
            .Event("go", "go")
            .WriteLine("w1", "w1")
            .Event("late", "late")
            .WriteLine("w2", "w2")
            .WriteLine("w3", "w3")
            .Join("join", "WaitAny")
            .WriteLine("done", "done")
            .WriteLine("merge", "merged")
            .Connect("start", "fork")
            .Connect("fork", "A", "go")
            .Connect("go", "w1")
            .Connect("w1", "join")
            .Connect("fork", "B", "late")
            .Connect("late", "w2")
            .Connect("w2", "join")
            .Connect("w2", "merge")
            .Connect("fork", "C", "w3")
            .Connect("w3", "merge")
            .Connect("join", "done");
        var (definition, state) = await _engine.StartAsync(flow);
        Assert.Equal(["w3"], _engine.Lines);

        await _engine.ResumeActivityAsync(definition, state, "go");

        Assert.Equal(["w3", "w1", "merged", "done"], _engine.Lines);
        Assert.Equal(0, state.CompletedCount("w2"));
        Assert.Empty(state.Bookmarks);
        Assert.Empty(state.Joins);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task WaitAnyJoin_ProvesTheCancelledBranchDead_WhenTheLoserWasStillQueued()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "A", "B", "C")
            .WriteLine("w1", "w1")
            .WriteLine("s1", "s1")
            .WriteLine("s2", "s2")
            .WriteLine("w3", "w3")
            .Join("join", "WaitAny")
            .WriteLine("merge", "merged")
            .Connect("start", "fork")
            .Connect("fork", "A", "w1")
            .Connect("fork", "B", "s1")
            .Connect("fork", "C", "w3")
            .Connect("w1", "join")
            .Chain("s1", "s2", "join")
            .Connect("s2", "merge")
            .Connect("w3", "merge");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["w1", "w3", "merged"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("Merge")]
    [InlineData("Converge")]
    [InlineData("merge")]
    public async Task MergeMode_MakesAPlainActivityWaitForAllInbound_WhenMergeOrConverge(string mergeMode)
    {
        var (_, state) = await _engine.StartAsync(DecisionIntoMerge(mergeMode));

        Assert.Equal(["yes"], _engine.Lines);
        Assert.Equal(0, state.CompletedCount("merge"));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("Stream")]
    [InlineData("None")]
    public async Task MergeMode_KeepsTheDefaultRule_WhenStreamOrNone(string mergeMode)
    {
        await _engine.StartAsync(DecisionIntoMerge(mergeMode));

        Assert.Equal(["yes", "merged", "after"], _engine.Lines);
    }

    [Fact]
    public async Task MergeMode_MakesAPlainActivityRunOnTheFirstArrivalAndCancelTheRest_WhenRace()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Fast", "Slow")
            .WriteLine("fast", "fast")
            .Delay("delay", "00:30:00")
            .WriteLine("slow", "slow")
            .WriteLine("merge", "merged")
            .Connect("start", "fork")
            .Connect("fork", "Fast", "fast")
            .Connect("fork", "Slow", "delay")
            .Connect("delay", "slow")
            .Connect("fast", "merge")
            .Connect("slow", "merge")
            .CustomProperty("merge", "mergeMode", "Race");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["fast", "merged"], _engine.Lines);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(_engine.Ports.Timers);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task MergeMode_OverridesTheModeInputOfAFlowJoin()
    {
        // mode says WaitAny, mergeMode says Merge: the join waits for the event branch instead of cancelling it.
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Fast", "Slow")
            .WriteLine("fast", "fast")
            .Event("wait", "slow")
            .Join("join", "WaitAny")
            .WriteLine("done", "done")
            .Connect("start", "fork")
            .Connect("fork", "Fast", "fast")
            .Connect("fork", "Slow", "wait")
            .Connect("fast", "join")
            .Connect("wait", "join")
            .Connect("join", "done")
            .CustomProperty("join", "mergeMode", "Merge");

        var (definition, state) = await _engine.StartAsync(flow);
        Assert.Equal(["fast"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);

        await _engine.ResumeActivityAsync(definition, state, "wait");

        Assert.Equal(["fast", "done"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task MergeMode_TurnsAWaitAllFlowJoinIntoTheDefaultRule_WhenStream()
    {
        var flow = new FlowchartJson()
            .Start()
            .Decision("decide", "true")
            .WriteLine("yes", "yes")
            .WriteLine("no", "no")
            .Join("join", "WaitAll")
            .WriteLine("done", "done")
            .Connect("start", "decide")
            .Connect("decide", "True", "yes")
            .Connect("decide", "False", "no")
            .Connect("yes", "join")
            .Connect("no", "join")
            .Connect("join", "done")
            .CustomProperty("join", "mergeMode", "Stream");

        await _engine.StartAsync(flow);

        Assert.Equal(["yes", "done"], _engine.Lines);
    }
}
