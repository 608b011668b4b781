using System.Diagnostics;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

namespace ChangeFlow.Engine.Tests.Scripting;

/// <summary>
/// Hostile scripts and templates that once took the process's memory or a core: each now faults its activity with an
/// incident that says which limit it reached.
/// </summary>
public sealed class ScriptPayloadLimitsTests
{
    /// <summary>The 40-level graph whose children are shared: 2^40 paths through 41 objects.</summary>
    public const string SharedGraph = "var n = { leaf: true }; for (var i = 0; i < 40; i++) { var p = {}; p.a = n; p.b = n; n = p; } return n;";

    /// <summary>A pattern that backtracks exponentially on a string that almost matches.</summary>
    public const string CatastrophicRegex = "return /^(a+)+$/.test('a'.repeat(40) + '!');";

    private static FlowchartJson Say(System.Text.Json.Nodes.JsonObject expression) => new FlowchartJson()
        .Start()
        .WriteLine("say", expression)
        .Chain("start", "say");

    private static async Task<Incident> FaultOfAsync(EngineFixture engine, System.Text.Json.Nodes.JsonObject expression)
    {
        var (_, state) = await engine.StartAsync(Say(expression));

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal("say", incident.ActivityId);
        Assert.Empty(engine.Lines);
        return incident;
    }

    [Theory]
    [InlineData("var a = []; a.length = 2e7; return a;", "more than 100000 values")]
    [InlineData("var a = []; a.length = 4294967295; return a;", "more than 100000 values")]
    [InlineData(SharedGraph, "shared references count each time")]
    [InlineData("var a = []; for (var i = 0; i < 70; i++) { a = [a]; } return a;", "deeper than 64 levels")]
    [InlineData("var a = []; for (var i = 0; i < 20; i++) { a.push('x'.repeat(100000)); } return a;", "more than 1000000 characters")]
    public async Task ScriptResult_FaultsWithScriptResultTooLarge_WhenItsConversionWouldBreakALimit(string script, string reason)
    {
        var stopwatch = Stopwatch.StartNew();

        var incident = await FaultOfAsync(new EngineFixture(), JavaScript(script, "Object"));

        Assert.Equal("ScriptResultTooLarge", incident.Code);
        Assert.Contains("The JavaScript at ", incident.Message, StringComparison.Ordinal);
        Assert.Contains(reason, incident.Message, StringComparison.Ordinal);
        // Refused up front, not after walking four billion holes or 2^40 paths (generous: the machine may be busy).
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task SetVariable_FaultsWithScriptResultTooLarge_WhenTheValueIsASparseArrayOfHugeLength()
    {
        var incident = await FaultOfAsync(new EngineFixture(), JavaScript("var a = []; a.length = 4294967295; setVariable('Hoard', a); return 'kept';", "String"));

        Assert.Equal("ScriptResultTooLarge", incident.Code);
    }

    [Fact]
    public async Task CatastrophicRegex_FaultsWithScriptTimeout_AtTheRegexLimitRatherThanJintsTenSeconds()
    {
        var engine = new EngineFixture(new ScriptOptions { RegexTimeLimit = TimeSpan.FromMilliseconds(200) });
        var stopwatch = Stopwatch.StartNew();

        var incident = await FaultOfAsync(engine, JavaScript(CatastrophicRegex, "String"));

        Assert.Equal("ScriptTimeout", incident.Code);
        Assert.Contains("regular expression", incident.Message, StringComparison.Ordinal);
        Assert.Contains("200 ms", incident.Message, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task WriteLine_CutsTheLine_WhenTheTextIsLongerThanTheLimit()
    {
        var engine = new EngineFixture();

        var (_, state) = await engine.StartAsync(Say(JavaScript("'x'.repeat(500000)", "String")));

        Assert.Equal(WorkflowStatus.Finished, state.Status);
        var line = Assert.Single(engine.Lines);
        Assert.True(line.Length < 4200, $"{line.Length} characters");
        Assert.StartsWith(new string('x', 4096), line, StringComparison.Ordinal);
        Assert.EndsWith("(495904 more characters cut)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScriptError_CutsTheMessage_WhenTheScriptThrowsHugeText()
    {
        var incident = await FaultOfAsync(new EngineFixture(), JavaScript("throw new Error('x'.repeat(500000));", "String"));

        Assert.Equal("ScriptError", incident.Code);
        Assert.True(incident.Message.Length < 4300, $"{incident.Message.Length} characters");
        Assert.Contains("more characters cut", incident.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{% for i in (1..1000000000) %}x{% endfor %}", "collection size")]
    [InlineData("{{ (1..100000000) | join: ',' }}", "collection size")]
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..24) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}", "output size")]
    [InlineData("{% for i in (1..10000) %}{% for j in (1..10000) %}{% endfor %}{% endfor %}", "steps")]
    public async Task Liquid_FaultsWithTemplateError_WhenARenderBreaksALimit(string template, string reason)
    {
        var stopwatch = Stopwatch.StartNew();

        var incident = await FaultOfAsync(new EngineFixture(), Liquid(template));

        Assert.Equal("TemplateError", incident.Code);
        Assert.Contains("The Liquid template at ", incident.Message, StringComparison.Ordinal);
        Assert.Contains(reason, incident.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Liquid_FaultsWithTemplateError_WhenARenderRunsLongerThanItsTimeLimit()
    {
        var engine = new EngineFixture(new ScriptOptions { LiquidTimeLimit = TimeSpan.FromMilliseconds(50), LiquidMaxSteps = 100_000_000 });

        var incident = await FaultOfAsync(engine, Liquid("{% for i in (1..10000) %}{% for j in (1..10000) %}{% endfor %}{% endfor %}"));

        Assert.Equal("TemplateError", incident.Code);
        Assert.Contains("time limit", incident.Message, StringComparison.Ordinal);
    }
}
