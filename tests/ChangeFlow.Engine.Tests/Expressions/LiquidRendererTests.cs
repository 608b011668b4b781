using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

// Not "ChangeFlow.Engine.Tests.Expressions": a namespace of that name would hide ChangeFlow.Engine.Expressions from
// test code in sibling namespaces that writes "Expressions.ValueConverter".
namespace ChangeFlow.Engine.Tests.Scripting;

/// <summary>The names Liquid templates can use (as in Elsa 3).</summary>
public sealed class LiquidRendererTests
{
    private readonly EngineFixture _engine = new();

    private async Task<WorkflowInstanceState> RenderAsync(string template, StartRequest? request = null)
    {
        var flow = new FlowchartJson("liquid-flow", 3)
            .Variable("Rfc", "String", "CHG0042")
            .Variable("Risk", "Int32", "7")
            .Variable("Cost", "Decimal", "1234.5")
            .Variable("Change", "Object", "{\"title\":\"Patch web servers\",\"hosts\":[\"web1\",\"web2\"]}")
            .Start()
            .WriteLine("say", Liquid(template))
            .Chain("start", "say");
        return (await _engine.StartAsync(flow, request)).State;
    }

    [Fact]
    public async Task Variables_RendersVariableValues_IncludingNestedObjects()
    {
        await RenderAsync("{{ Variables.Rfc }} risk {{ Variables.Risk }} costs {{ Variables.Cost }}: {{ Variables.Change.title }} on {{ Variables.Change.hosts | join: ', ' }}");

        Assert.Equal(["CHG0042 risk 7 costs 1234.5: Patch web servers on web1, web2"], _engine.Lines);
    }

    [Fact]
    public async Task Variables_ShowsAWriteOfAnEarlierActivity()
    {
        var flow = new FlowchartJson()
            .Variable("Risk", "Int32", "1")
            .Start()
            .SetVariable("set", "Risk", JavaScript("getRisk() + 8"))
            .WriteLine("say", Liquid("risk {{ Variables.Risk }}"))
            .Chain("start", "set", "say");

        await _engine.StartAsync(flow);

        Assert.Equal(["risk 9"], _engine.Lines);
    }

    [Fact]
    public async Task Input_RendersWorkflowInput()
    {
        var request = new StartRequest { Input = new Dictionary<string, JsonNode?> { ["requestedBy"] = "ada", ["window"] = new JsonObject { ["hours"] = 4 } } };

        await RenderAsync("by {{ Input.requestedBy }} for {{ Input.window.hours }} h", request);

        Assert.Equal(["by ada for 4 h"], _engine.Lines);
    }

    [Fact]
    public async Task WorkflowNames_RenderInstanceCorrelationAndDefinition()
    {
        var request = new StartRequest { InstanceId = "instance-9", CorrelationId = "CHG0042" };

        await RenderAsync("{{ WorkflowInstanceId }}|{{ CorrelationId }}|{{ WorkflowDefinitionId }}|{{ WorkflowDefinitionVersion }}", request);

        Assert.Equal(["instance-9|CHG0042|liquid-flow|3"], _engine.Lines);
    }

    [Fact]
    public async Task Filters_AndTags_Work()
    {
        await RenderAsync("{{ Variables.Rfc | downcase }}{% if Variables.Risk > 5 %} needs CAB{% endif %}");

        Assert.Equal(["chg0042 needs CAB"], _engine.Lines);
    }

    [Fact]
    public async Task UnknownNames_RenderAsEmpty()
    {
        await RenderAsync("[{{ Variables.Missing }}][{{ Input.missing }}][{{ nothing }}]");

        Assert.Equal(["[][][]"], _engine.Lines);
    }
}
