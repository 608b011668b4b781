using System.Globalization;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Activities;

public sealed class WriteLineTests
{
    private readonly EngineFixture _engine = new();

    [Fact]
    public async Task Execute_WritesTheLiteralTextToTheConsolePort()
    {
        var (_, state) = await _engine.StartAsync(new FlowchartJson().Start().WriteLine("say", "Hello, CAB").Chain("start", "say"));

        Assert.Equal(["Hello, CAB"], _engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }

    [Theory]
    [InlineData("1.5", "1.5")]
    [InlineData("1234567.25", "1234567.25")]
    [InlineData("-0.125", "-0.125")]
    [InlineData("42", "42")]
    [InlineData("true", "true")]
    [InlineData("({ score: 2.5, tags: ['a', 1] })", "{\"score\":2.5,\"tags\":[\"a\",1]}")]
    [InlineData("new Date(Date.UTC(2026, 4, 3, 8, 30, 0))", "2026-05-03T08:30:00.0000000Z")]
    [InlineData("null", "")]
    public async Task Execute_FormatsNonStringValuesInvariantly_WhenTheCurrentCultureUsesDecimalCommas(string script, string expected)
    {
        var original = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CommaCulture();
        try
        {
            await _engine.StartAsync(new FlowchartJson().Start().WriteLine("say", JavaScript(script)).Chain("start", "say"));
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        Assert.Equal([expected], _engine.Lines);
    }

    [Fact]
    public async Task Execute_FormatsLiteralNumbersAndNumericVariablesInvariantly_WhenTheCurrentCultureUsesDecimalCommas()
    {
        var flow = new FlowchartJson()
            .Variable("Price", "Double", "2.75")
            .Start()
            .WriteLine("literal", Literal(3.25, "Double"))
            .WriteLine("variable", VariableValue("var-Price"))
            .WriteLine("liquid", Liquid("costs {{ Variables.Price }}"))
            .Chain("start", "literal", "variable", "liquid");
        var original = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CommaCulture();
        try
        {
            await _engine.StartAsync(flow);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        Assert.Equal(["3.25", "2.75", "costs 2.75"], _engine.Lines);
    }

    private static CultureInfo CommaCulture()
    {
        // The build runs with invariant globalization, so a named culture such as de-DE is not available: clone one instead.
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberDecimalSeparator = ",";
        culture.NumberFormat.NumberGroupSeparator = ".";
        culture.NumberFormat.CurrencyDecimalSeparator = ",";
        culture.DateTimeFormat.ShortDatePattern = "dd.MM.yyyy";
        return culture;
    }
}
