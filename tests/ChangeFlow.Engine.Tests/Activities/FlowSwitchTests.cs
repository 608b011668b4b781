using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class FlowSwitchTests
{
    private readonly EngineFixture _engine = new();

    private static JsonObject Case(string label, string type, string condition) =>
        new() { ["label"] = label, ["condition"] = new JsonObject { ["type"] = type, ["value"] = condition } };

    /// <summary>Score → switch over Low (0..2) / Medium (3+) / High (7+) in JavaScript → one WriteLine per port, Default included.</summary>
    private static FlowchartJson ScoreSwitch(int score, string? mode)
    {
        var properties = new JsonObject
        {
            ["cases"] = new JsonArray(
                Case("Low", "JavaScript", "getScore() >= 0 && getScore() < 3"),
                Case("Medium", "JavaScript", "getScore() >= 3"),
                Case("High", "JavaScript", "getScore() >= 7")),
        };
        if (mode is not null)
        {
            properties["mode"] = Literal(mode, "Elsa.Workflows.Activities.Flowchart.Models.SwitchMode, Elsa.Workflows.Core");
        }

        return new FlowchartJson()
            .Variable("Score", "Int32", score.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Start()
            .Activity("switch", "Elsa.FlowSwitch", properties)
            .WriteLine("low", "low")
            .WriteLine("medium", "medium")
            .WriteLine("high", "high")
            .WriteLine("default", "default")
            .Connect("start", "switch")
            .Connect("switch", "Low", "low")
            .Connect("switch", "Medium", "medium")
            .Connect("switch", "High", "high")
            .Connect("switch", "Default", "default");
    }

    [Theory]
    [InlineData("MatchFirst")]
    [InlineData(null)]
    public async Task Execute_FollowsOnlyTheFirstMatchingCase_WhenModeIsMatchFirstOrUnset(string? mode)
    {
        var (_, state) = await _engine.StartAsync(ScoreSwitch(9, mode));

        Assert.Equal(["medium"], _engine.Lines);
        Assert.Equal(["Medium"], Assert.Single(state.Journal, e => e.ActivityId == "switch").Outcomes!);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Fact]
    public async Task Execute_FollowsEveryMatchingCase_WhenModeIsMatchAny()
    {
        var (_, state) = await _engine.StartAsync(ScoreSwitch(9, "MatchAny"));

        Assert.Equal(["medium", "high"], _engine.Lines);
        Assert.Equal(["Medium", "High"], Assert.Single(state.Journal, e => e.ActivityId == "switch").Outcomes!);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("MatchFirst")]
    [InlineData("MatchAny")]
    public async Task Execute_FollowsDefault_WhenNoCaseMatches(string mode)
    {
        var (_, state) = await _engine.StartAsync(ScoreSwitch(-5, mode));

        Assert.Equal(["default"], _engine.Lines);
        Assert.Equal(["Default"], Assert.Single(state.Journal, e => e.ActivityId == "switch").Outcomes!);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("Emergency", "emergency")]
    [InlineData("Normal", "normal")]
    [InlineData("Standard", "default")]
    public async Task Execute_EvaluatesLiquidConditions(string category, string line)
    {
        var properties = new JsonObject
        {
            ["cases"] = new JsonArray(
                Case("Emergency", "Liquid", "{% if Variables.Category == 'Emergency' %}true{% else %}false{% endif %}"),
                Case("Normal", "Liquid", "{% if Variables.Category == 'Normal' %}true{% else %}false{% endif %}")),
        };
        var flow = new FlowchartJson()
            .Variable("Category", "String", category)
            .Start()
            .Activity("switch", "Elsa.FlowSwitch", properties)
            .WriteLine("emergency", "emergency")
            .WriteLine("normal", "normal")
            .WriteLine("default", "default")
            .Connect("start", "switch")
            .Connect("switch", "Emergency", "emergency")
            .Connect("switch", "Normal", "normal")
            .Connect("switch", "Default", "default");

        await _engine.StartAsync(flow);

        Assert.Equal([line], _engine.Lines);
    }

    [Fact]
    public async Task Execute_RunsASharedFollowerOnce_WhenMatchAnyFollowsSeveralCasesIntoIt()
    {
        var flow = ScoreSwitch(9, "MatchAny")
            .WriteLine("merge", "merged")
            .Connect("medium", "merge")
            .Connect("high", "merge")
            .Connect("low", "merge");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(["medium", "high", "merged"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }
}
