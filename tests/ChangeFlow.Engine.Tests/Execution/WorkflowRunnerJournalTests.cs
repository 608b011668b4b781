using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Execution;

public sealed class WorkflowRunnerJournalTests
{
    private static readonly DateTimeOffset T0 = EngineFixture.StartInstant;
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Journal_ListsEveryStepInOrderWithItsOutcomes_StampedByTheFakeClock()
    {
        var flow = new FlowchartJson()
            .Start()
            .Decision("decide", "true")
            .WriteLine("yes", "yes")
            .WriteLine("no", "no")
            .Delay("delay", "00:10:00")
            .WriteLine("after", "after")
            .Connect("start", "decide")
            .Connect("decide", "True", "yes")
            .Connect("decide", "False", "no")
            .Chain("yes", "delay", "after");
        _engine.Clock.Advance(TimeSpan.FromMinutes(3));

        var (definition, state) = await _engine.StartAsync(flow);
        var bookmark = state.BookmarkOf("delay");
        _engine.Clock.Advance(TimeSpan.FromMinutes(10));
        await _engine.ResumeAsync(definition, state, bookmark.Id);

        var started = T0.AddMinutes(3);
        var resumed = T0.AddMinutes(13);
        Assert.Equal(
            [
                (1L, "start", JournalEventKind.Completed, "Done", (string?)null, started),
                (2L, "decide", JournalEventKind.Completed, "True", null, started),
                (3L, "yes", JournalEventKind.Completed, "Done", null, started),
                (4L, "delay", JournalEventKind.Suspended, "", bookmark.Id, started),
                (5L, "delay", JournalEventKind.Resumed, "", bookmark.Id, resumed),
                (6L, "delay", JournalEventKind.Completed, "Done", null, resumed),
                (7L, "after", JournalEventKind.Completed, "Done", null, resumed),
                (8L, "", JournalEventKind.WorkflowFinished, "", null, resumed),
            ],
            state.Journal.Select(e => (e.Sequence, e.ActivityId, e.Kind, string.Join(",", e.Outcomes ?? []), e.Message, e.Timestamp)));
        Assert.Equal("Elsa.FlowDecision", state.Journal[1].ActivityType);
        Assert.Equal(9, state.NextSequence);
        Assert.Equal((started, resumed, (DateTimeOffset?)resumed), (state.CreatedAt, state.UpdatedAt, state.FinishedAt));
    }

    [Fact]
    public async Task Journal_RecordsTheFaultAndTheWorkflowFault_WithTheIncidentMessage()
    {
        var flow = new FlowchartJson().Start().Fault("fault", "E1", "no backout plan").Chain("start", "fault");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(
            [
                ("start", JournalEventKind.Completed, (string?)null),
                ("fault", JournalEventKind.Faulted, "no backout plan"),
                ("", JournalEventKind.WorkflowFaulted, "no backout plan"),
            ],
            state.Journal.Select(e => (e.ActivityId, e.Kind, e.Message)));
    }
}
