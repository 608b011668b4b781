using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class FlowDecisionTests
{
    private readonly EngineFixture _engine = new();

    private static FlowchartJson Flow(string score, JsonObject condition) => new FlowchartJson()
        .Variable("Score", "Int32", score)
        .Start()
        .Decision("decide", condition)
        .WriteLine("yes", "high")
        .WriteLine("no", "low")
        .Connect("start", "decide")
        .Connect("decide", "True", "yes")
        .Connect("decide", "False", "no");

    [Theory]
    [InlineData("7", "True", "high")]
    [InlineData("5", "True", "high")]
    [InlineData("4", "False", "low")]
    public async Task Execute_FollowsThePortOfTheJavaScriptCondition(string score, string outcome, string line)
    {
        var (_, state) = await _engine.StartAsync(Flow(score, JavaScript("getScore() >= 5", "Boolean")));

        Assert.Equal([outcome], Assert.Single(state.Journal, e => e.ActivityId == "decide").Outcomes!);
        Assert.Equal([line], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("9", "high")]
    [InlineData("1", "low")]
    public async Task Execute_FollowsThePortOfALiquidCondition(string score, string line)
    {
        var condition = Liquid("{% if Variables.Score > 5 %}true{% else %}false{% endif %}", "Boolean");

        await _engine.StartAsync(Flow(score, condition));

        Assert.Equal([line], _engine.Lines);
    }

    [Theory]
    [InlineData("true", "high")]
    [InlineData("false", "low")]
    public async Task Execute_FollowsThePortOfALiteralCondition(string literal, string line)
    {
        await _engine.StartAsync(Flow("0", Literal(literal, "Boolean")));

        Assert.Equal([line], _engine.Lines);
    }

    [Fact]
    public async Task Execute_RecordsAnIncident_WhenTheScriptThrows()
    {
        var (_, state) = await _engine.StartAsync(Flow("0", JavaScript("missing.property > 1", "Boolean")));

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal(("decide", "ScriptError"), (incident.ActivityId, incident.Code));
        Assert.Empty(_engine.Lines);
    }
}
