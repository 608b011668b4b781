using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Tests.Support;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Support.FlowchartJson;

// Not "ChangeFlow.Engine.Tests.Expressions": a namespace of that name would hide ChangeFlow.Engine.Expressions from
// test code in sibling namespaces that writes "Expressions.ValueConverter".
namespace ChangeFlow.Engine.Tests.Scripting;

/// <summary>The names JavaScript expressions can use (as in Elsa 3), and the limits that keep untrusted scripts in check.</summary>
public sealed class ScriptHostTests
{
    private readonly EngineFixture _engine = new();

    /// <summary>A workflow with a few typed variables that writes what <paramref name="script"/> returns.</summary>
    private static FlowchartJson Say(string script) => new FlowchartJson()
        .Variable("Counter", "Int32", "1")
        .Variable("Name", "String", "Ada")
        .Variable("Flags", "Object", "{\"urgent\":true}")
        .Start()
        .WriteLine("say", JavaScript(script, "String"))
        .Chain("start", "say");

    private async Task<WorkflowInstanceState> SayAsync(string script, StartRequest? request = null) =>
        (await _engine.StartAsync(Say(script), request)).State;

    [Fact]
    public async Task GetVariableAndSetVariable_ReadAndWriteVariablesByName_ConvertingToTheDeclaredType()
    {
        var state = await SayAsync("setVariable('Counter', getVariable('Counter') + 41); setVariable('Name', 'Grace'); return getVariable('Name') + ' ' + getVariable('Counter');");

        Assert.Equal(["Grace 42"], _engine.Lines);
        Assert.Equal(42, state.Variables["Counter"]!.GetValue<int>());
        Assert.Equal("Grace", state.Variables["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task SetVariable_CreatesAnUntypedVariable_WhenTheNameIsNotDeclared()
    {
        var state = await SayAsync("setVariable('Scratch', { n: 1 }); return typeof getVariable('Scratch');");

        Assert.Equal(["object"], _engine.Lines);
        Assert.Equal("{\"n\":1}", state.Variables["Scratch"]!.ToJsonString());
    }

    [Fact]
    public async Task PerVariableShortcuts_ReadAndWriteEachVariable()
    {
        var state = await SayAsync("setCounter(getCounter() * 10); setName(getName().toUpperCase()); return getName() + getCounter() + getFlags().urgent;");

        Assert.Equal(["ADA10true"], _engine.Lines);
        Assert.Equal(10, state.Variables["Counter"]!.GetValue<int>());
        Assert.Equal("ADA", state.Variables["Name"]!.GetValue<string>());
    }

    [Fact]
    public async Task VariablesObject_ReadsVariables_AndWritesBackAssignments()
    {
        var state = await SayAsync("const before = variables.Name + ':' + variables.Counter + ':' + variables.Flags.urgent; variables.Counter = '8'; variables.Name = 'Lin'; return before;");

        Assert.Equal(["Ada:1:true"], _engine.Lines);
        Assert.Equal(8, state.Variables["Counter"]!.GetValue<int>());
        Assert.Equal("Lin", state.Variables["Name"]!.GetValue<string>());
        Assert.Equal("{\"urgent\":true}", state.Variables["Flags"]!.ToJsonString());
    }

    [Fact]
    public async Task VariablesObject_SeesWritesOfEarlierActivities()
    {
        var flow = Say("variables.Counter + 1")
            .SetVariable("set", "Counter", Literal("41", "Object"))
            .Connect("say", "set")
            .WriteLine("again", JavaScript("variables.Counter + 1", "String"))
            .Connect("set", "again");

        await _engine.StartAsync(flow);

        Assert.Equal(["2", "42"], _engine.Lines);
    }

    [Fact]
    public async Task GetInput_ReadsTheWorkflowInput()
    {
        var request = new StartRequest { Input = new Dictionary<string, JsonNode?> { ["rfc"] = "CHG0042", ["risk"] = 7 } };

        await SayAsync("getInput('rfc') + ' risk ' + (getInput('risk') + 1) + ' ' + getInput('missing')", request);

        Assert.Equal(["CHG0042 risk 8 null"], _engine.Lines);
    }

    [Fact]
    public async Task InstanceAndDefinitionFunctions_ReturnTheIdsOfTheRun()
    {
        await SayAsync("getWorkflowInstanceId() + '|' + getWorkflowDefinitionId() + '|' + getWorkflowDefinitionVersion()", new StartRequest { InstanceId = "instance-42" });

        Assert.Equal(["instance-42|test-flow|1"], _engine.Lines);
    }

    [Fact]
    public async Task GetAndSetCorrelationId_ReadAndChangeTheInstanceCorrelationId()
    {
        var state = await SayAsync("const before = getCorrelationId(); setCorrelationId('CHG0043'); return before + '->' + getCorrelationId();", new StartRequest { CorrelationId = "CHG0042" });

        Assert.Equal(["CHG0042->CHG0043"], _engine.Lines);
        Assert.Equal("CHG0043", state.CorrelationId);
    }

    [Fact]
    public async Task GetOutputFromAndGetLastResult_ReadWhatAnEarlierActivityProduced()
    {
        var flow = new FlowchartJson()
            .Start()
            .Event("vote", "voted")
            .WriteLine("named", JavaScript("getOutputFrom('vote', 'result').by", "String"))
            .WriteLine("unnamed", JavaScript("getOutputFrom('vote').count", "String"))
            .WriteLine("last", JavaScript("getLastResult().by + ' ' + getLastResult().count", "String"))
            .WriteLine("missing", JavaScript("getOutputFrom('nobody', 'result') === null", "String"))
            .Chain("start", "vote", "named", "unnamed", "last", "missing");
        var (definition, state) = await _engine.StartAsync(flow);

        await _engine.ResumeActivityAsync(definition, state, "vote", JsonNode.Parse("{\"by\":\"CAB\",\"count\":5}"));

        Assert.Equal(["CAB", "5", "CAB 5", "true"], _engine.Lines);
    }

    [Fact]
    public async Task StatementBody_ReturnsTheValueOfItsReturnStatement()
    {
        await SayAsync("const doubled = getCounter() * 2;\nif (doubled > 1) {\n  return 'doubled ' + doubled;\n}\nreturn 'small';");

        Assert.Equal(["doubled 2"], _engine.Lines);
    }

    [Theory]
    [InlineData("getCounter() + 1;")]
    [InlineData("getCounter() + 1 ;  \n")]
    [InlineData("getCounter() + 1 // the next number")]
    public async Task SingleExpression_ReturnsItsValue_WhenItEndsWithASemicolonOrAComment(string script)
    {
        await SayAsync(script);

        Assert.Equal(["2"], _engine.Lines);
    }

    [Fact]
    public async Task Scripts_HaveNoClrAccess()
    {
        await SayAsync("[typeof System, typeof importNamespace, typeof clr, typeof host, typeof require].join(',')");

        Assert.Equal(["undefined,undefined,undefined,undefined,undefined"], _engine.Lines);
    }

    [Theory]
    [InlineData("importNamespace('System.IO').File.ReadAllText('/etc/passwd')")]
    [InlineData("System.Environment.Exit(1)")]
    [InlineData("getCounter.constructor('return this')().System.IO")]
    public async Task Scripts_FaultWithScriptError_WhenTheyReachForTheClr(string script)
    {
        var state = await SayAsync(script);

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal(("say", "ScriptError"), (incident.ActivityId, incident.Code));
        Assert.Empty(_engine.Lines);
    }

    [Fact]
    public async Task Scripts_FaultWithScriptError_WhenTheyThrow()
    {
        var state = await SayAsync("throw new Error('no approver')");

        var incident = Assert.Single(state.Incidents);
        Assert.Equal("ScriptError", incident.Code);
        Assert.Contains("no approver", incident.Message, StringComparison.Ordinal);
        Assert.Null(incident.StackTrace);
    }

    [Fact]
    public async Task InfiniteLoop_FaultsWithScriptTimeout_WhenTheTimeLimitIsReached()
    {
        var engine = new EngineFixture(new ScriptOptions { TimeLimit = TimeSpan.FromMilliseconds(200), MaxStatements = 0 });

        var (_, state) = await engine.StartAsync(Say("while (true) {}"));

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        var incident = Assert.Single(state.Incidents);
        Assert.Equal(("say", "ScriptTimeout"), (incident.ActivityId, incident.Code));
        Assert.Contains("200 ms", incident.Message, StringComparison.Ordinal);
        Assert.Empty(engine.Lines);
    }

    [Fact]
    public async Task InfiniteLoop_FaultsWithScriptTimeout_WhenTheStatementLimitIsReached()
    {
        var engine = new EngineFixture(new ScriptOptions { MaxStatements = 10_000 });

        var (_, state) = await engine.StartAsync(Say("let i = 0; for (;;) { i++; }"));

        Assert.Equal("ScriptTimeout", Assert.Single(state.Incidents).Code);
    }

    [Fact]
    public async Task MemoryBomb_FaultsWithScriptMemoryLimit()
    {
        var engine = new EngineFixture(new ScriptOptions { MemoryLimitBytes = 4L * 1024 * 1024, MaxStatements = 0 });

        var (_, state) = await engine.StartAsync(Say("const hoard = []; while (true) { hoard.push('x'.repeat(65536) + hoard.length); }"));

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Equal(("say", "ScriptMemoryLimit"), (state.Incidents[0].ActivityId, state.Incidents[0].Code));
    }

    [Fact]
    public async Task MemoryBomb_FaultsWithScriptMemoryLimit_UnderTheDefaultLimits()
    {
        var (_, state) = await _engine.StartAsync(Say("let s = 'x'; while (true) { s = s + s; }"));

        Assert.Equal("ScriptMemoryLimit", Assert.Single(state.Incidents).Code);
    }

    [Fact]
    public async Task DeepRecursion_FaultsWithScriptRecursionLimit()
    {
        var (_, state) = await _engine.StartAsync(Say("function down(n) { return down(n + 1) + 1; } return down(0);"));

        Assert.Equal(WorkflowStatus.Faulted, state.Status);
        Assert.Equal(("say", "ScriptRecursionLimit"), (state.Incidents[0].ActivityId, state.Incidents[0].Code));
    }

    [Fact]
    public async Task LaterScriptsInTheSameRun_StillWork_AfterAScriptBrokeALimit()
    {
        // With the Continue strategy the run goes on after the incident and reuses the run's script engine.
        var flow = new FlowchartJson()
            .ContinueOnIncidents()
            .Variable("Counter", "Int32", "1")
            .Start()
            .Fork("fork", "Bad", "Good")
            .WriteLine("recurse", JavaScript("function down(n) { return down(n + 1); } return down(0);", "String"))
            .WriteLine("spin", JavaScript("let i = 0; for (;;) { i++; }", "String"))
            .WriteLine("good", JavaScript("'still counting: ' + (getCounter() + 1)", "String"))
            .Connect("start", "fork")
            .Connect("fork", "Bad", "recurse")
            .Connect("fork", "Bad", "spin")
            .Connect("fork", "Good", "good");
        var engine = new EngineFixture(new ScriptOptions { MaxStatements = 10_000 });

        var (_, state) = await engine.StartAsync(flow);

        Assert.Equal(["ScriptRecursionLimit", "ScriptTimeout"], state.Incidents.Select(i => i.Code));
        Assert.Equal(["still counting: 2"], engine.Lines);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
    }
}
