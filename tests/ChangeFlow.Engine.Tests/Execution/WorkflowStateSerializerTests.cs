using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Execution;

public sealed class WorkflowStateSerializerTests
{
    private readonly EngineFixture _engine = new();

    /// <summary>
    /// Fork → (Now: "now" → join), (Approval: Event "approved" → join), (Wait: Delay 2 h → join) → join(WaitAll) → "joined".
    /// After the start the join has seen one of three branches, and the instance waits on an event and a timer.
    /// </summary>
    private static FlowchartJson ForkWithJoin() => new FlowchartJson()
        .Variable("Rfc", "String", "CHG0042")
        .Variable("Risk", "Int32", "7")
        .Variable("Window", "DateTimeOffset", "2026-05-04T22:00:00+02:00")
        .Variable("Approval", "Object")
        .Start()
        .Fork("fork", "Now", "Approval", "Wait")
        .WriteLine("now", "now")
        .Event("approval", "approved", resultVariable: "Approval")
        .Delay("delay", "02:00:00")
        .Join("join", "WaitAll")
        .WriteLine("joined", JavaScript("'joined by ' + getApproval().by + ' for ' + getRfc()"))
        .Connect("start", "fork")
        .Connect("fork", "Now", "now")
        .Connect("fork", "Approval", "approval")
        .Connect("fork", "Wait", "delay")
        .Connect("now", "join")
        .Connect("approval", "join")
        .Connect("delay", "join")
        .Connect("join", "joined");

    private static WorkflowInstanceState RoundTrip(WorkflowInstanceState state)
    {
        var text = WorkflowStateSerializer.Serialize(state);
        var copy = WorkflowStateSerializer.Deserialize(text);
        Assert.Equal(text, WorkflowStateSerializer.Serialize(copy));
        return copy;
    }

    [Fact]
    public async Task SerializeDeserializeSerialize_GivesIdenticalText_WhenSuspendedInAForkWithAPartlyArrivedJoin()
    {
        var request = new StartRequest { CorrelationId = "CHG0042", Input = new Dictionary<string, JsonNode?> { ["requestedBy"] = "ada" } };
        var (_, state) = await _engine.StartAsync(ForkWithJoin(), request);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        Assert.Single(state.Joins["join"].Followed);

        var text = WorkflowStateSerializer.Serialize(state);
        var copy = WorkflowStateSerializer.Deserialize(text);

        Assert.Equal(text, WorkflowStateSerializer.Serialize(copy));
        Assert.Equal(state.Id, copy.Id);
        Assert.Equal(state.DefinitionVersionId, copy.DefinitionVersionId);
        Assert.Equal("CHG0042", copy.CorrelationId);
        Assert.Equal(WorkflowStatus.Suspended, copy.Status);
        Assert.Equal(state.Joins["join"].Followed, copy.Joins["join"].Followed);
        Assert.Equal(state.Bookmarks.Select(b => (b.Id, b.Hash, b.DueAt)), copy.Bookmarks.Select(b => (b.Id, b.Hash, b.DueAt)));
        Assert.Equal(7, copy.Variables["Risk"]!.GetValue<int>());
        Assert.Equal("ada", copy.Input["requestedBy"]!.GetValue<string>());
        Assert.Equal(state.Journal.Select(e => (e.Sequence, e.Kind, e.ActivityId, e.Timestamp)), copy.Journal.Select(e => (e.Sequence, e.Kind, e.ActivityId, e.Timestamp)));
        Assert.Contains("\"status\":\"Suspended\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_FinishesTheDeserializedCopy_BecauseTheJoinBookkeepingSurvived()
    {
        var (definition, original) = await _engine.StartAsync(ForkWithJoin());
        var copy = RoundTrip(original);

        await _engine.ResumeAsync(definition, copy, copy.BookmarkOf("approval").Id, JsonNode.Parse("{\"by\":\"CAB\"}"));
        Assert.Equal(WorkflowStatus.Suspended, copy.Status);
        Assert.Equal(2, copy.Joins["join"].Followed.Count);
        Assert.Equal(0, copy.CompletedCount("join"));

        copy = RoundTrip(copy);
        _engine.Clock.Advance(TimeSpan.FromHours(2));
        await _engine.ResumeAsync(definition, copy, copy.BookmarkOf("delay").Id);

        Assert.Equal(["now", "joined by CAB for CHG0042"], _engine.Lines);
        Assert.Equal(1, copy.CompletedCount("join"));
        Assert.Equal(WorkflowStatus.Finished, copy.Status);
        Assert.Empty(copy.Bookmarks);
        Assert.Empty(copy.Joins);
        Assert.Equal("{\"by\":\"CAB\"}", copy.Variables["Approval"]!.ToJsonString());
        Assert.Equal(2, original.Bookmarks.Count);
        Assert.Equal(WorkflowStatus.Suspended, original.Status);
    }

    [Fact]
    public async Task Resume_ContinuesATimerFromTheDeserializedCopy_WithItsRepeatCountAndDueInstant()
    {
        var flow = new FlowchartJson().Start().Timer("timer", "00:15:00").WriteLine("tick", "tick").Chain("start", "timer", "tick");
        var (definition, state) = await _engine.StartAsync(flow);
        _engine.Clock.Advance(TimeSpan.FromMinutes(16));
        await _engine.ResumeActivityAsync(definition, state, "timer");

        var copy = RoundTrip(state);
        _engine.Clock.Advance(TimeSpan.FromMinutes(15));
        await _engine.ResumeActivityAsync(definition, copy, "timer");

        Assert.Equal(2, copy.ActivityState["timer"]["fired"]!.GetValue<int>());
        Assert.Equal(EngineFixture.StartInstant.AddMinutes(45), copy.BookmarkOf("timer").DueAt);
        Assert.Equal(["tick", "tick"], _engine.Lines);
    }

    [Fact]
    public async Task SerializeDeserializeSerialize_GivesIdenticalText_WhenTheInstanceFaulted()
    {
        var flow = new FlowchartJson().Start().Fault("fault", "E7", "broken").Chain("start", "fault");
        var (_, state) = await _engine.StartAsync(flow);

        var copy = RoundTrip(state);

        Assert.Equal(WorkflowStatus.Faulted, copy.Status);
        var incident = Assert.Single(copy.Incidents);
        Assert.Equal(("fault", "E7", "broken", EngineFixture.StartInstant), (incident.ActivityId, incident.Code, incident.Message, incident.Timestamp));
        Assert.Equal(state.FinishedAt, copy.FinishedAt);
    }
}
