using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Execution;

/// <summary>Starting with input, cancelling, and continuing an interrupted run.</summary>
public sealed class WorkflowRunnerLifecycleTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Start_ConvertsDeclaredInputToItsType_AndKeepsUndeclaredInputAsGiven()
    {
        var flow = new FlowchartJson()
            .Input("Risk", "Int32")
            .Start()
            .WriteLine("say", JavaScript("typeof getInput('Risk') + ' ' + getInput('Note')", "String"))
            .Chain("start", "say");
        var request = new StartRequest { Input = new Dictionary<string, JsonNode?> { ["Risk"] = "7", ["Note"] = "as is" } };

        var (_, state) = await _engine.StartAsync(flow, request);

        Assert.Equal(7, state.Input["Risk"]!.GetValue<int>());
        Assert.Equal(["number as is"], _engine.Lines);
    }

    [Fact]
    public async Task Start_IsRejectedWithoutRunningAnything_WhenDeclaredInputHasTheWrongType()
    {
        var flow = new FlowchartJson().Input("Risk", "Int32").Start().WriteLine("say", "ran").Chain("start", "say");
        var request = new StartRequest { Input = new Dictionary<string, JsonNode?> { ["Risk"] = "high" } };

        var result = await _engine.Runner.StartAsync(_engine.Load(flow.Build()), request);

        Assert.False(result.Accepted);
        Assert.Contains("Risk", result.Rejection, StringComparison.Ordinal);
        Assert.Empty(_engine.Lines);
        Assert.Empty(result.State.Journal);
    }

    [Fact]
    public async Task Cancel_WithdrawsBookmarksAndTimers_AndNothingMoreRuns()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "A", "B")
            .Event("wait", "go")
            .Delay("delay", "01:00:00")
            .WriteLine("after", "after")
            .Connect("start", "fork")
            .Connect("fork", "A", "wait")
            .Connect("fork", "B", "delay")
            .Connect("delay", "after");
        var (definition, state) = await _engine.StartAsync(flow);
        var timer = state.BookmarkOf("delay");
        _engine.Clock.Advance(TimeSpan.FromMinutes(5));

        var result = await _engine.Runner.CancelAsync(definition, state);

        Assert.True(result.Accepted);
        Assert.Equal(WorkflowStatus.Cancelled, state.Status);
        Assert.Equal(EngineFixture.StartInstant.AddMinutes(5), state.FinishedAt);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(_engine.Ports.Timers);
        Assert.Equal(timer.Id, Assert.Single(_engine.Ports.Unscheduled).BookmarkId);
        Assert.Equal(JournalEventKind.WorkflowCancelled, state.Journal[^1].Kind);
        Assert.False((await _engine.Runner.ResumeAsync(definition, state, timer.Id)).Accepted);
        Assert.False((await _engine.Runner.CancelAsync(definition, state)).Accepted);
        Assert.Empty(_engine.Lines);
    }

    [Fact]
    public async Task Continue_RunsWorkLeftInTheQueue_WhenARunWasInterrupted()
    {
        var flow = new FlowchartJson()
            .Start()
            .Event("wait", "go")
            .WriteLine("say", "recovered")
            .Chain("start", "wait", "say");
        var (definition, state) = await _engine.StartAsync(flow);
        // What a crash between "wait completed" and "say ran" leaves behind: the bookmark consumed, "say" still queued.
        var crashed = WorkflowStateSerializer.Deserialize(WorkflowStateSerializer.Serialize(state));
        crashed.Bookmarks.Clear();
        crashed.Queue.Add(new WorkItem { ActivityId = "say" });
        crashed.Status = WorkflowStatus.Running;

        var result = await _engine.Runner.ContinueAsync(definition, crashed);

        Assert.True(result.Accepted);
        Assert.Equal(["recovered"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, crashed.Status);
    }
}
