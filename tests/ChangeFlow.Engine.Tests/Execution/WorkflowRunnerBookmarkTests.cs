using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Execution;

/// <summary>Resuming bookmarks: by id, exactly once, and finding them from a stimulus by name and payload hash.</summary>
public sealed class WorkflowRunnerBookmarkTests
{
    private readonly EngineFixture _engine = new();

    /// <summary>Fork → (A: Event "a" → "after a") and (B: Event "b" → "after b").</summary>
    private static FlowchartJson TwoEvents() => new FlowchartJson()
        .Start()
        .Fork("fork", "A", "B")
        .Event("a", "a")
        .WriteLine("afterA", "after a")
        .Event("b", "b")
        .WriteLine("afterB", "after b")
        .Connect("start", "fork")
        .Connect("fork", "A", "a")
        .Connect("a", "afterA")
        .Connect("fork", "B", "b")
        .Connect("b", "afterB");

    [Fact]
    public async Task Resume_ContinuesOnlyFromTheBookmarkedActivity_WhenGivenItsId()
    {
        var (definition, state) = await _engine.StartAsync(TwoEvents());
        var b = state.BookmarkOf("b");

        var result = await _engine.Runner.ResumeAsync(definition, state, b.Id);

        Assert.True(result.Accepted);
        Assert.Null(result.Rejection);
        Assert.Same(state, result.State);
        Assert.Equal(["after b"], _engine.Lines);
        Assert.Equal("a", Assert.Single(state.Bookmarks).ActivityId);
        Assert.Equal(WorkflowStatus.Suspended, state.Status);
        var resumed = Assert.Single(state.Journal, e => e.Kind == JournalEventKind.Resumed);
        Assert.Equal(("b", b.Id), (resumed.ActivityId, resumed.Message));
    }

    [Fact]
    public async Task Resume_IsRejectedAndChangesNothing_WhenTheBookmarkWasAlreadyConsumed()
    {
        var (definition, state) = await _engine.StartAsync(TwoEvents());
        var a = state.BookmarkOf("a");
        Assert.True((await _engine.Runner.ResumeAsync(definition, state, a.Id)).Accepted);
        var snapshot = WorkflowStateSerializer.Serialize(state);

        var second = await _engine.Runner.ResumeAsync(definition, state, a.Id, JsonValue.Create("again"));

        Assert.False(second.Accepted);
        Assert.Contains(a.Id, second.Rejection, StringComparison.Ordinal);
        Assert.Equal(snapshot, WorkflowStateSerializer.Serialize(state));
        Assert.Equal(["after a"], _engine.Lines);
    }

    [Fact]
    public async Task Resume_IsRejectedAndChangesNothing_WhenTheBookmarkIdIsUnknown()
    {
        var (definition, state) = await _engine.StartAsync(TwoEvents());
        var snapshot = WorkflowStateSerializer.Serialize(state);

        var result = await _engine.Runner.ResumeAsync(definition, state, "no-such-bookmark");

        Assert.False(result.Accepted);
        Assert.Contains("no-such-bookmark", result.Rejection, StringComparison.Ordinal);
        Assert.Equal(snapshot, WorkflowStateSerializer.Serialize(state));
        Assert.Empty(_engine.Lines);
    }

    [Fact]
    public async Task Resume_IsRejectedAndChangesNothing_WhenTheInstanceHasFinished()
    {
        var flow = new FlowchartJson().Start().Event("wait", "go").WriteLine("after", "after").Chain("start", "wait", "after");
        var (definition, state) = await _engine.StartAsync(flow);
        var bookmark = state.BookmarkOf("wait");
        await _engine.ResumeAsync(definition, state, bookmark.Id);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        var snapshot = WorkflowStateSerializer.Serialize(state);

        var again = await _engine.Runner.ResumeAsync(definition, state, bookmark.Id);
        var unknown = await _engine.Runner.ResumeAsync(definition, state, "anything");

        Assert.False(again.Accepted);
        Assert.Contains("Finished", again.Rejection, StringComparison.Ordinal);
        Assert.False(unknown.Accepted);
        Assert.Equal(snapshot, WorkflowStateSerializer.Serialize(state));
        Assert.Equal(["after"], _engine.Lines);
    }

    [Fact]
    public async Task FindBookmarks_ReturnsEveryBookmarkTheStimulusMatches_ByNameAndPayload()
    {
        var flow = new FlowchartJson()
            .Start()
            .Fork("fork", "A", "B", "C", "T")
            .Event("a", "approved")
            .Event("b", "approved")
            .Event("c", "rejected")
            .Delay("t", "00:05:00")
            .Connect("start", "fork")
            .Connect("fork", "A", "a")
            .Connect("fork", "B", "b")
            .Connect("fork", "C", "c")
            .Connect("fork", "T", "t");
        var (_, state) = await _engine.StartAsync(flow);

        var approved = WorkflowRunner.FindBookmarks(state, "Elsa.Event", new JsonObject { ["eventName"] = "approved" });
        var parsed = WorkflowRunner.FindBookmarks(state, "Elsa.Event", JsonNode.Parse("{ \"eventName\" : \"\\u0061pproved\" }"));
        var due = state.BookmarkOf("t").Payload!.DeepClone();

        Assert.Equal(["a", "b"], approved.Select(b => b.ActivityId));
        Assert.Equal(["a", "b"], parsed.Select(b => b.ActivityId));
        Assert.Equal("c", Assert.Single(WorkflowRunner.FindBookmarks(state, "Elsa.Event", new JsonObject { ["eventName"] = "rejected" })).ActivityId);
        Assert.Equal("t", Assert.Single(WorkflowRunner.FindBookmarks(state, "Elsa.Delay", due)).ActivityId);
        Assert.Empty(WorkflowRunner.FindBookmarks(state, "Elsa.Event", new JsonObject { ["eventName"] = "Approved" }));
        Assert.Empty(WorkflowRunner.FindBookmarks(state, "Elsa.Signal", new JsonObject { ["eventName"] = "approved" }));
        Assert.Empty(WorkflowRunner.FindBookmarks(state, "Elsa.Event", null));
    }

    [Fact]
    public async Task FindBookmarks_MatchesWhateverTheKeyOrderOfTheStimulusPayload_AndEachMatchResumesOnce()
    {
        var loader = new WorkflowLoader(ActivityRegistry.CreateDefault().Add<WaitForSignal>());
        var flow = new FlowchartJson()
            .Start()
            .Activity("wait", WaitForSignal.TypeName, new() { ["signal"] = Literal("cab-approved"), ["rfc"] = Literal("CHG0042") })
            .WriteLine("after", "resumed")
            .Chain("start", "wait", "after");
        var definition = loader.Load(flow.Build()).GetDefinitionOrThrow();
        var state = (await _engine.Runner.StartAsync(definition)).State;
        Assert.Equal("{\"signal\":\"cab-approved\",\"rfc\":\"CHG0042\",\"scope\":{\"team\":\"ops\",\"site\":\"west\"}}", state.BookmarkOf("wait").Payload!.ToJsonString());

        var stimulus = JsonNode.Parse("{\"scope\":{\"site\":\"west\",\"team\":\"ops\"},\"rfc\":\"CHG0042\",\"signal\":\"cab-approved\"}");
        var matches = WorkflowRunner.FindBookmarks(state, WaitForSignal.TypeName, stimulus);
        var otherRfc = JsonNode.Parse("{\"scope\":{\"site\":\"west\",\"team\":\"ops\"},\"rfc\":\"CHG0043\",\"signal\":\"cab-approved\"}");

        Assert.Equal("wait", Assert.Single(matches).ActivityId);
        Assert.Empty(WorkflowRunner.FindBookmarks(state, WaitForSignal.TypeName, otherRfc));

        await _engine.ResumeAsync(definition, state, matches[0].Id);

        Assert.Equal(["resumed"], _engine.Lines);
        Assert.Empty(WorkflowRunner.FindBookmarks(state, WaitForSignal.TypeName, stimulus));
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    /// <summary>A test activity whose bookmark payload has several keys and a nested object, written in a fixed order.</summary>
    private sealed class WaitForSignal : Activity
    {
        public const string TypeName = "Test.WaitForSignal";

        private static readonly InputDescriptor Signal = Inputs.String("signal", "Signal", "The signal to wait for.", required: true);

        private static readonly InputDescriptor Rfc = Inputs.String("rfc", "RFC", "The change the signal is about.", required: true);

        public override ActivityDescriptor Descriptor { get; } = new(
            TypeName, "Test", "Wait for signal", "Wait for a signal about one change.", ActivityKind.Blocking, [Signal, Rfc], [], ActivityDescriptor.Done);

        public override ValueTask ExecuteAsync(ActivityExecutionContext context)
        {
            context.CreateBookmark(new JsonObject
            {
                ["signal"] = context.GetString(Signal),
                ["rfc"] = context.GetString(Rfc),
                ["scope"] = new JsonObject { ["team"] = "ops", ["site"] = "west" },
            });
            return default;
        }
    }
}
