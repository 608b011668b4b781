using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class TimerTests
{
    private static readonly DateTimeOffset T0 = EngineFixture.StartInstant;
    private readonly EngineFixture _engine = new();

    private static FlowchartJson Flow() => new FlowchartJson()
        .Start()
        .Timer("timer", "01:00:00")
        .WriteLine("tick", "tick")
        .Chain("start", "timer", "tick");

    [Fact]
    public async Task Execute_SchedulesTheFirstTickOneIntervalFromNow_WithoutFollowingDone()
    {
        var (_, state) = await _engine.StartAsync(Flow());

        var bookmark = state.BookmarkOf("timer");
        Assert.Equal(T0.AddHours(1), bookmark.DueAt);
        Assert.Equal(T0.AddHours(1), _engine.Ports.Timers[bookmark.Id].DueAt);
        Assert.Empty(_engine.Lines);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
    }

    [Fact]
    public async Task Resume_FollowsDoneAndSchedulesTheNextTickFromThePreviousDueInstant_WhenFiredLate()
    {
        var (definition, state) = await _engine.StartAsync(Flow());
        var first = state.BookmarkOf("timer");

        _engine.Clock.Advance(TimeSpan.FromMinutes(67));
        await _engine.ResumeActivityAsync(definition, state, "timer");

        var second = state.BookmarkOf("timer");
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(T0.AddHours(2), second.DueAt);
        Assert.Equal(["tick"], _engine.Lines);
        Assert.Equal(T0.AddHours(2), Assert.Single(_engine.Ports.Timers).Value.DueAt);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);

        _engine.Clock.Advance(TimeSpan.FromMinutes(54));
        await _engine.ResumeActivityAsync(definition, state, "timer");

        Assert.Equal(T0.AddHours(3), state.BookmarkOf("timer").DueAt);
        Assert.Equal(["tick", "tick"], _engine.Lines);
        Assert.Equal(2, state.ActivityState["timer"]["fired"]!.GetValue<int>());
        Assert.Equal(2, state.CompletedCount("timer"));
        Assert.Equal(T0.AddHours(3), Assert.Single(_engine.Ports.Timers).Value.DueAt);
    }

    [Fact]
    public async Task Resume_FiresOnceAndSchedulesFromNow_WhenSeveralTicksWereMissed()
    {
        var (definition, state) = await _engine.StartAsync(Flow());

        _engine.Clock.Advance(TimeSpan.FromHours(5.5));
        await _engine.ResumeActivityAsync(definition, state, "timer");

        Assert.Equal(["tick"], _engine.Lines);
        Assert.Equal(T0.AddHours(6.5), state.BookmarkOf("timer").DueAt);
    }

    [Fact]
    public async Task Execute_RecordsAnIncident_WhenTheIntervalIsNotPositive()
    {
        var flow = new FlowchartJson().Start().Timer("timer", "00:00:00").Chain("start", "timer");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Equal("InvalidInterval", Assert.Single(state.Incidents).Code);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(_engine.Ports.Timers);
    }
}
