using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class StartAtTests
{
    private readonly EngineFixture _engine = new();

    private static FlowchartJson Flow(string dateTime) => new FlowchartJson()
        .Start()
        .StartAt("at", dateTime)
        .WriteLine("after", "window open")
        .Chain("start", "at", "after");

    [Theory]
    [InlineData("2020-01-01T00:00:00Z")]
    [InlineData("2026-05-03T07:59:59+00:00")]
    [InlineData("2026-05-03T08:00:00+00:00")]
    [InlineData("2026-05-03T10:00:00+02:00")]
    public async Task Execute_CompletesAtOnceWithoutABookmark_WhenTheInstantIsNotInTheFuture(string dateTime)
    {
        var (_, state) = await _engine.StartAsync(Flow(dateTime));

        Assert.Equal(["window open"], _engine.Lines);
        Assert.Empty(state.Bookmarks);
        Assert.Empty(_engine.Ports.Timers);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_CreatesATimerBookmarkDueAtTheInstant_WhenItIsInTheFuture()
    {
        var (definition, state) = await _engine.StartAsync(Flow("2026-05-04T09:30:00+02:00"));

        var due = new DateTimeOffset(2026, 5, 4, 7, 30, 0, TimeSpan.Zero);
        var bookmark = state.BookmarkOf("at");
        Assert.Equal("Elsa.StartAt", bookmark.Name);
        Assert.Equal(due, bookmark.DueAt);
        Assert.Equal(due, _engine.Ports.Timers[bookmark.Id].DueAt);
        Assert.Empty(_engine.Lines);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);

        _engine.Clock.SetUtcNow(due);
        await _engine.ResumeActivityAsync(definition, state, "at");

        Assert.Equal(["window open"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_RecordsAnIncident_WhenTheScriptGivesNoInstant()
    {
        var flow = new FlowchartJson()
            .Start()
            .Activity("at", "Elsa.StartAt", new() { ["dateTime"] = JavaScript("null", "DateTimeOffset") })
            .Chain("start", "at");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Equal(("at", "InvalidDateTime"), (state.Incidents[0].ActivityId, state.Incidents[0].Code));
    }
}
