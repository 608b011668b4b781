using System.Globalization;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Ports;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class DelayTests
{
    private readonly EngineFixture _engine = new();

    private static FlowchartJson Flow(string timeSpan) => new FlowchartJson()
        .Start()
        .Delay("delay", timeSpan)
        .WriteLine("after", "after")
        .Chain("start", "delay", "after");

    [Theory]
    [InlineData("01:30:00", 90)]
    [InlineData("PT45M", 45)]
    [InlineData("1.00:00:00", 24 * 60)]
    public async Task Execute_CreatesATimerBookmarkDueAtNowPlusTheSpan_AndSchedulesItThroughThePort(string timeSpan, int minutes)
    {
        _engine.Clock.Advance(TimeSpan.FromMinutes(7));
        var now = _engine.Clock.GetUtcNow();

        var (_, state) = await _engine.StartAsync(Flow(timeSpan));

        var due = now.AddMinutes(minutes);
        var bookmark = state.BookmarkOf("delay");
        Assert.Equal("Elsa.Delay", bookmark.Name);
        Assert.Equal(due, bookmark.DueAt);
        Assert.Equal(TimeSpan.Zero, bookmark.DueAt!.Value.Offset);
        Assert.Equal(due.ToString("O", CultureInfo.InvariantCulture), bookmark.Payload!["dueAt"]!.GetValue<string>());
        Assert.Equal(BookmarkHasher.Compute("Elsa.Delay", bookmark.Payload), bookmark.Hash);
        Assert.Equal(new TimerRequest(state.Id, bookmark.Id, due), Assert.Single(_engine.Ports.Timers).Value);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        Assert.Empty(_engine.Lines);
    }

    [Fact]
    public async Task Resume_ContinuesWithDone_WhenTheTimerFires()
    {
        var (definition, state) = await _engine.StartAsync(Flow("00:10:00"));
        _engine.Clock.Advance(TimeSpan.FromMinutes(10));

        await _engine.ResumeActivityAsync(definition, state, "delay");

        Assert.Equal(["after"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(_engine.Ports.Timers);
        Assert.Equal(["Done"], state.Journal.Last(e => e.ActivityId == "delay" && e.Kind == JournalEventKind.Completed).Outcomes!);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:05:00")]
    public async Task Execute_CompletesAtOnceWithoutATimer_WhenTheSpanIsNotPositive(string timeSpan)
    {
        var (_, state) = await _engine.StartAsync(Flow(timeSpan));

        Assert.Equal(["after"], _engine.Lines);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(_engine.Ports.Timers);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_UsesTheSpanAScriptReturns()
    {
        var flow = new FlowchartJson()
            .Variable("Minutes", "Int32", "20")
            .Start()
            .Activity("delay", "Elsa.Delay", new() { ["timeSpan"] = JavaScript("'00:' + getMinutes() + ':00'", "TimeSpan") })
            .Chain("start", "delay");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(EngineFixture.StartInstant.AddMinutes(20), state.BookmarkOf("delay").DueAt);
    }
}
