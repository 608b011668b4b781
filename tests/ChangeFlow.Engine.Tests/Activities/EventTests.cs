using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class EventTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Execute_CreatesABookmarkWhosePayloadAndHashNameTheEvent()
    {
        var flow = new FlowchartJson().Start().Event("wait", "approved").Chain("start", "wait");

        var (_, state) = await _engine.StartAsync(flow);

        var bookmark = state.BookmarkOf("wait");
        Assert.Equal("Elsa.Event", bookmark.Name);
        Assert.Equal("{\"eventName\":\"approved\"}", bookmark.Payload!.ToJsonString());
        Assert.Equal(BookmarkHasher.Compute("Elsa.Event", new JsonObject { ["eventName"] = "approved" }), bookmark.Hash);
        Assert.Null(bookmark.DueAt);
        Assert.Equal(EngineFixture.StartInstant, bookmark.CreatedAt);
        Assert.Empty(_engine.Ports.Timers);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        var suspended = Assert.Single(state.Journal, e => e.Kind == JournalEventKind.Suspended);
        Assert.Equal(("wait", bookmark.Id), (suspended.ActivityId, suspended.Message));
    }

    [Fact]
    public async Task Resume_SetsTheResultOutputAndTheVariableItIsBoundTo()
    {
        var flow = new FlowchartJson()
            .Variable("Decision", "Object")
            .Start()
            .Event("wait", "approved", resultVariable: "Decision")
            .WriteLine("say", JavaScript("'approved by ' + getDecision().by + ' with ' + getDecision().votes + ' votes'"))
            .Chain("start", "wait", "say");
        var (definition, state) = await _engine.StartAsync(flow);

        await _engine.ResumeActivityAsync(definition, state, "wait", JsonNode.Parse("{\"by\":\"CAB\",\"votes\":5}"));

        Assert.Equal("{\"by\":\"CAB\",\"votes\":5}", state.Variables["Decision"]!.ToJsonString());
        Assert.Equal("{\"by\":\"CAB\",\"votes\":5}", state.ActivityOutputs["wait"]["result"]!.ToJsonString());
        Assert.Equal(["approved by CAB with 5 votes"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Resume_ConvertsTheResultToTheBoundVariableType()
    {
        var flow = new FlowchartJson()
            .Variable("Votes", "Int32", "0")
            .Start()
            .Event("wait", "counted", resultVariable: "Votes")
            .Chain("start", "wait");
        var (definition, state) = await _engine.StartAsync(flow);

        await _engine.ResumeActivityAsync(definition, state, "wait", JsonValue.Create("12"));

        Assert.Equal("12", state.Variables["Votes"]!.ToJsonString());
    }

    [Fact]
    public async Task Execute_UsesTheEventNameATemplateRenders()
    {
        var flow = new FlowchartJson()
            .Variable("Rfc", "String", "CHG0042")
            .Start()
            .Activity("wait", "Elsa.Event", new() { ["eventName"] = Liquid("approved-{{ Variables.Rfc }}") })
            .Chain("start", "wait");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal("approved-CHG0042", state.BookmarkOf("wait").Payload!["eventName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Execute_RecordsAnIncident_WhenTheEventNameIsEmpty()
    {
        var flow = new FlowchartJson()
            .Start()
            .Activity("wait", "Elsa.Event", new() { ["eventName"] = JavaScript("''", "String") })
            .Chain("start", "wait");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Equal("InvalidEventName", Assert.Single(state.Incidents).Code);
        Assert.Empty(state.Bookmarks);
    }
}
