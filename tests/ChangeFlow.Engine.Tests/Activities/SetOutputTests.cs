using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class SetOutputTests
{
    private readonly EngineFixture _engine = new();

    private static FlowchartJson SetOutput(FlowchartJson flow, string name, System.Text.Json.Nodes.JsonObject value) =>
        flow.Activity("out", "Elsa.SetOutput", new() { ["outputName"] = Literal(name), ["outputValue"] = value });

    [Fact]
    public async Task Execute_ConvertsTheValueToTheDeclaredOutputType()
    {
        var flow = SetOutput(new FlowchartJson().Output("Total", "Int32").Start(), "Total", JavaScript("'4' + '2'"))
            .Chain("start", "out");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal("42", state.Output["Total"]!.ToJsonString());
    }

    [Fact]
    public async Task Execute_KeepsTheValueAsItIs_WhenTheOutputIsNotDeclared()
    {
        var flow = SetOutput(new FlowchartJson().Start(), "Summary", Json("{\"rfc\":\"CHG0042\",\"steps\":[1,2]}"))
            .Chain("start", "out");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal("{\"rfc\":\"CHG0042\",\"steps\":[1,2]}", state.Output["Summary"]!.ToJsonString());
        Assert.Empty(state.Variables);
    }

    [Fact]
    public async Task Execute_RecordsAConversionIncident_WhenTheValueDoesNotFitTheDeclaredType()
    {
        var flow = SetOutput(new FlowchartJson().Output("Total", "Int32").Start(), "Total", Literal("lots", "Object"))
            .Chain("start", "out");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal(("out", "ConversionError"), (incident.ActivityId, incident.Code));
        Assert.False(state.Output.ContainsKey("Total"));
    }
}
