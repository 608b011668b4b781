using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Loading;

namespace ChangeFlow.Engine.Tests.Loading;

/// <summary>Inputs of unexpected shape are problems with paths, never exceptions.</summary>
public sealed class WorkflowLoaderRobustnessTests
{
    private readonly WorkflowLoader _loader = new(ActivityRegistry.CreateDefault());

    private static string Flow(string activity) => $$"""
        { "definitionId": "x", "variables": [ { "id": "5", "name": "Five", "typeName": "Int32" } ],
          "root": { "type": "Elsa.Flowchart", "activities": [ {{activity}} ], "connections": [] } }
        """;

    [Fact]
    public void Load_ResolvesTheVariable_WhenSetVariableNamesItsIdAsANumber()
    {
        var result = _loader.Load(Flow("""{ "id": "s", "type": "Elsa.SetVariable", "variable": { "id": 5 }, "value": 1 }"""));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
    }

    [Fact]
    public void Load_ReportsAProblem_WhenSetVariableNamesAVariableAsAnObjectOfNoUse()
    {
        var result = _loader.Load(Flow("""{ "id": "s", "type": "Elsa.SetVariable", "variable": { "id": {} }, "value": 1 }"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.root.activities[0].variable", error.Path);
    }

    [Fact]
    public void Load_ReportsAProblem_WhenSwitchCasesAreInvalidJsonText()
    {
        var result = _loader.Load(Flow("""{ "id": "s", "type": "Elsa.FlowSwitch", "cases": { "typeName": "Object", "expression": { "type": "Object", "value": "[oops" } } }"""));

        var error = Assert.Single(result.Errors);
        Assert.Equal("$.root.activities[0].cases.expression.value", error.Path);
        Assert.StartsWith("The switch cases are not valid JSON", error.Message, StringComparison.Ordinal);
    }
}
