using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class FlowJoinTests
{
    private readonly EngineFixture _engine = new();

    /// <summary>Fork → (Fast: WriteLine) and (Slow: Event "slow" → WriteLine) → join → WriteLine "joined".</summary>
    private static FlowchartJson FastAndSlow(string? mode) => new FlowchartJson()
        .Start()
        .Fork("fork", "Fast", "Slow")
        .WriteLine("fast", "fast")
        .Event("wait", "slow")
        .WriteLine("slow", "slow")
        .Join("join", mode)
        .WriteLine("after", "joined")
        .Connect("start", "fork")
        .Connect("fork", "Fast", "fast")
        .Connect("fork", "Slow", "wait")
        .Connect("wait", "slow")
        .Connect("fast", "join")
        .Connect("slow", "join")
        .Connect("join", "after");

    /// <summary>Decision (always True) → "yes" / "no" → join → WriteLine "joined"; the "no" path is dead.</summary>
    private static FlowchartJson WithDeadBranch(string mode) => new FlowchartJson()
        .Start()
        .Decision("decide", "true")
        .WriteLine("yes", "yes")
        .WriteLine("no", "no")
        .Join("join", mode)
        .WriteLine("after", "joined")
        .Connect("start", "decide")
        .Connect("decide", "True", "yes")
        .Connect("decide", "False", "no")
        .Connect("yes", "join")
        .Connect("no", "join")
        .Connect("join", "after");

    [Fact]
    public async Task Execute_WaitsForEveryBranch_WhenModeIsWaitAll()
    {
        var (definition, state) = await _engine.StartAsync(FastAndSlow("WaitAll"));
        Assert.Equal(["fast"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        Assert.Equal(0, state.CompletedCount("join"));

        await _engine.ResumeActivityAsync(definition, state, "wait");

        Assert.Equal(["fast", "slow", "joined"], _engine.Lines);
        Assert.Equal(1, state.CompletedCount("join"));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("WaitAny")]
    [InlineData(null)]
    public async Task Execute_RunsOnTheFirstBranchAndCancelsTheOthers_WhenModeIsWaitAnyOrUnset(string? mode)
    {
        var (_, state) = await _engine.StartAsync(FastAndSlow(mode));

        Assert.Equal(["fast", "joined"], _engine.Lines);
        Assert.Empty(state.Bookmarks);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        var cancelled = Assert.Single(state.Journal, e => e.Kind == JournalEventKind.Cancelled);
        Assert.Equal("wait", cancelled.ActivityId);
    }

    [Fact]
    public async Task Execute_WaitsForEveryBranchThatCanStillArrive_WhenModeIsWaitAllActive()
    {
        var (definition, state) = await _engine.StartAsync(FastAndSlow("WaitAllActive"));
        Assert.Equal(["fast"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);

        await _engine.ResumeActivityAsync(definition, state, "wait");

        Assert.Equal(["fast", "slow", "joined"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_RunsOnce_WhenModeIsWaitAllActiveAndOneBranchIsDead()
    {
        var (_, state) = await _engine.StartAsync(WithDeadBranch("WaitAllActive"));

        Assert.Equal(["yes", "joined"], _engine.Lines);
        Assert.Equal(1, state.CompletedCount("join"));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_DoesNotRun_WhenModeIsWaitAllAndOneBranchIsDead()
    {
        var (_, state) = await _engine.StartAsync(WithDeadBranch("WaitAll"));

        Assert.Equal(["yes"], _engine.Lines);
        Assert.Equal(0, state.CompletedCount("join"));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.Joins);
    }

    [Fact]
    public async Task Execute_RunsOnce_WhenModeIsWaitAnyAndOneBranchIsDead()
    {
        var (_, state) = await _engine.StartAsync(WithDeadBranch("WaitAny"));

        Assert.Equal(["yes", "joined"], _engine.Lines);
        Assert.Equal(1, state.CompletedCount("join"));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }
}
