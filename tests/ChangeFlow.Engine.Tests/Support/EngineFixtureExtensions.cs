using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;
using ChangeFlow.Testing;

namespace ChangeFlow.Engine.Tests.Support;

/// <summary>Shorthands for running inline workflows on an <see cref="EngineFixture"/>; each asserts that the call was accepted.</summary>
public static class EngineFixtureExtensions
{
    /// <summary>Loads <paramref name="flow"/> and starts an instance of it.</summary>
    public static async Task<(WorkflowDefinition Definition, WorkflowInstanceState State)> StartAsync(
        this EngineFixture engine, FlowchartJson flow, StartRequest? request = null)
    {
        var definition = engine.Load(flow.Build());
        var result = await engine.Runner.StartAsync(definition, request);
        Assert.True(result.Accepted, result.Rejection);
        return (definition, result.State);
    }

    /// <summary>Resumes a bookmark and asserts that the runner accepted it.</summary>
    public static async Task<WorkflowInstanceState> ResumeAsync(
        this EngineFixture engine, WorkflowDefinition definition, WorkflowInstanceState state, string bookmarkId, JsonNode? input = null)
    {
        var result = await engine.Runner.ResumeAsync(definition, state, bookmarkId, input);
        Assert.True(result.Accepted, result.Rejection);
        return result.State;
    }

    /// <summary>Resumes the one open bookmark that <paramref name="activityId"/> holds.</summary>
    public static Task<WorkflowInstanceState> ResumeActivityAsync(
        this EngineFixture engine, WorkflowDefinition definition, WorkflowInstanceState state, string activityId, JsonNode? input = null) =>
        engine.ResumeAsync(definition, state, state.BookmarkOf(activityId).Id, input);

    /// <summary>The one open bookmark of an activity.</summary>
    public static Bookmark BookmarkOf(this WorkflowInstanceState state, string activityId) =>
        Assert.Single(state.Bookmarks, b => b.ActivityId == activityId);

    /// <summary>The activities that completed, in journal order (an activity that ran twice is listed twice).</summary>
    public static List<string> Completed(this WorkflowInstanceState state) =>
        [.. state.Journal.Where(e => e.Kind == JournalEventKind.Completed).Select(e => e.ActivityId)];

    /// <summary>How often an activity completed.</summary>
    public static int CompletedCount(this WorkflowInstanceState state, string activityId) =>
        state.Journal.Count(e => e.Kind == JournalEventKind.Completed && e.ActivityId == activityId);
}
