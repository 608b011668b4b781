using System.Text.Encodings.Web;
using System.Text.Json;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class SetVariableTests
{
    // Instants are stored in UTC as ISO text; write '+' as it is so the expectations read plainly.
    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly EngineFixture _engine = new();

    [Theory]
    [InlineData("Int32", "42", "42")]
    [InlineData("Int64", "9007199254740993", "9007199254740993")]
    [InlineData("Boolean", "true", "true")]
    [InlineData("Double", "2.5", "2.5")]
    [InlineData("Decimal", "19.99", "19.99")]
    [InlineData("String", "hello", "\"hello\"")]
    [InlineData("TimeSpan", "PT30M", "\"00:30:00\"")]
    [InlineData("DateTimeOffset", "2026-05-03T10:00:00+02:00", "\"2026-05-03T08:00:00.0000000+00:00\"")]
    [InlineData("String[]", "a; b", "[\"a\",\"b\"]")]
    public async Task Execute_ConvertsALiteralToTheVariableType(string typeName, string literal, string expectedJson)
    {
        var flow = new FlowchartJson()
            .Variable("Target", typeName)
            .Start()
            .SetVariable("set", "Target", Literal(literal, "Object"))
            .Chain("start", "set");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(expectedJson, state.Variables["Target"]!.ToJsonString(Unescaped));
    }

    [Theory]
    [InlineData("Int32", "'41' + ''", "41")]
    [InlineData("Int32", "40 + 2", "42")]
    [InlineData("String", "40 + 2", "\"42\"")]
    [InlineData("Boolean", "'false'", "false")]
    [InlineData("Object", "({ a: 1, b: ['x'] })", "{\"a\":1,\"b\":[\"x\"]}")]
    public async Task Execute_ConvertsAScriptResultToTheVariableType(string typeName, string script, string expectedJson)
    {
        var flow = new FlowchartJson()
            .Variable("Target", typeName)
            .Start()
            .SetVariable("set", "Target", JavaScript(script))
            .Chain("start", "set");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(expectedJson, state.Variables["Target"]!.ToJsonString());
    }

    [Fact]
    public async Task Execute_StoresANumber_WhenAnInt32VariableIsSetFromText()
    {
        var flow = new FlowchartJson()
            .Variable("Count", "Int32", "0")
            .Start()
            .SetVariable("set", "Count", Literal("7", "Object"))
            .WriteLine("say", JavaScript("typeof getCount() + ' ' + (getCount() + 1)"))
            .Chain("start", "set", "say");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(JsonValueKind.Number, state.Variables["Count"]!.GetValueKind());
        Assert.Equal(7, state.Variables["Count"]!.GetValue<int>());
        Assert.Equal(["number 8"], _engine.Lines);
    }

    [Theory]
    [InlineData("Int32", "forty-two")]
    [InlineData("Int32", "1.5")]
    [InlineData("Boolean", "maybe")]
    [InlineData("DateTimeOffset", "next tuesday")]
    public async Task Execute_RecordsAConversionIncidentAndFaults_WhenTheValueDoesNotFitTheType(string typeName, string literal)
    {
        var flow = new FlowchartJson()
            .Variable("Target", typeName)
            .Start()
            .SetVariable("set", "Target", Literal(literal, "Object"))
            .WriteLine("after", "after")
            .Chain("start", "set", "after");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("set", incident.ActivityId);
        Assert.Equal("Elsa.SetVariable", incident.ActivityType);
        Assert.Equal("ConversionError", incident.Code);
        Assert.Contains(literal, incident.Message, StringComparison.Ordinal);
        Assert.Null(state.Variables["Target"]);
        Assert.Empty(_engine.Lines);
    }

    [Fact]
    public async Task Execute_CopiesAnotherVariable_WhenTheValueIsAVariableExpression()
    {
        var flow = new FlowchartJson()
            .Variable("Source", "String", "12")
            .Variable("Target", "Int32", "0")
            .Start()
            .SetVariable("set", "Target", VariableValue("var-Source"))
            .Chain("start", "set");

        var (_, state) = await _engine.StartAsync(flow);

        Assert.Equal(12, state.Variables["Target"]!.GetValue<int>());
        Assert.Equal("12", state.Variables["Source"]!.GetValue<string>());
    }
}
