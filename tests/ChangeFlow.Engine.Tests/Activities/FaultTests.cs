using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class FaultTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Execute_RecordsAnIncidentWithCodeAndMessage_AndFaultsTheInstance()
    {
        _engine.Clock.Advance(TimeSpan.FromMinutes(3));
        var flow = new FlowchartJson()
            .Start()
            .Fault("fault", "E42", "Backout plan missing")
            .WriteLine("after", "after")
            .Chain("start", "fault", "after");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("fault", incident.ActivityId);
        Assert.Equal("Elsa.Fault", incident.ActivityType);
        Assert.Equal("E42", incident.Code);
        Assert.Equal("Backout plan missing", incident.Message);
        Assert.Equal(_engine.Clock.GetUtcNow(), incident.Timestamp);
        Assert.Null(incident.ExceptionType);
        Assert.Null(incident.StackTrace);
        Assert.Equal(_engine.Clock.GetUtcNow(), state.FinishedAt);
        Assert.Empty(_engine.Lines);
        Assert.Equal(
            [JournalEventKind.Completed, JournalEventKind.Faulted, JournalEventKind.WorkflowFaulted],
            state.Journal.Select(e => e.Kind));
    }

    [Fact]
    public async Task Execute_UsesAnEvaluatedMessageAndNoCode_WhenCodeIsNotSet()
    {
        var flow = new FlowchartJson()
            .Variable("Rfc", "String", "CHG0042")
            .Start()
            .Activity("fault", "Elsa.Fault", new() { ["message"] = Liquid("{{ Variables.Rfc }} has no approver") })
            .Chain("start", "fault");

        var (_, state) = await _engine.StartAsync(flow);

        var incident = Assert.Single(state.Incidents);
        Assert.Null(incident.Code);
        Assert.Equal("CHG0042 has no approver", incident.Message);
    }

    [Fact]
    public async Task Resume_IsRejected_WhenTheInstanceFaulted()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "Wait", "Fail")
            .Event("wait", "go")
            .Event("fail-on", "fail")
            .Fault("fault", "E1", "boom")
            .Connect("start", "fork")
            .Connect("fork", "Wait", "wait")
            .Connect("fork", "Fail", "fail-on")
            .Connect("fail-on", "fault");
        var (definition, state) = await _engine.StartAsync(flow);
        var wait = state.BookmarkOf("wait");

        await _engine.ResumeActivityAsync(definition, state, "fail-on");
        var result = await _engine.Runner.ResumeAsync(definition, state, wait.Id);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Empty(state.Bookmarks);
        Assert.False(result.Accepted);
        Assert.Contains("Faulted", result.Rejection, StringComparison.Ordinal);
    }
}
