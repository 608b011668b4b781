using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;
using ChangeFlow.Testing;
using static ChangeFlow.Engine.Tests.Loading.LoaderDocuments;

namespace ChangeFlow.Engine.Tests.Loading;

/// <summary>What the loader accepts and builds: Elsa export noise, start activity, loops, cache, variables.</summary>
public sealed class WorkflowLoaderTests
{
    private readonly EngineFixture _engine = new();

    /// <summary>A workflow touching most of the shape: variables, declarations, options, scripts, Liquid, a switch, both connection forms.</summary>
    private const string RichWorkflow = """
        {
          "id": "rich-v1",
          "definitionId": "rich",
          "name": "Rich",
          "version": 1,
          "variables": [
            { "id": "v-risk", "name": "Risk", "typeName": "Int32", "value": "7" },
            { "id": "v-label", "name": "Label", "typeName": "String", "value": "" }
          ],
          "inputs": [{ "name": "ChangeNumber", "type": "String", "description": "The RFC number." }],
          "outputs": [{ "name": "Verdict", "type": "String" }],
          "outcomes": ["Done"],
          "options": { "incidentStrategyType": "Elsa.Workflows.IncidentStrategies.FaultStrategy, Elsa.Workflows.Core" },
          "root": {
            "type": "Elsa.Flowchart",
            "id": "flow",
            "activities": [
              { "id": "start", "type": "Elsa.Start", "version": 1, "metadata": { "designer": { "position": { "x": 0, "y": 0 } } } },
              { "id": "label", "type": "Elsa.SetVariable", "version": 1,
                "variable": { "id": "v-label", "name": "Label", "typeName": "String" },
                "value": { "typeName": "Object", "expression": { "type": "Liquid", "value": "risk {{ Variables.Risk }}" } } },
              { "id": "check", "type": "Elsa.FlowDecision", "version": 1,
                "condition": { "typeName": "Boolean", "expression": { "type": "JavaScript", "value": "getRisk() >= 5" } } },
              { "id": "route", "type": "Elsa.FlowSwitch", "version": 1,
                "cases": [
                  { "label": "Seven", "condition": { "type": "JavaScript", "value": "variables.Risk === 7" } },
                  { "label": "Other", "condition": { "type": "Literal", "value": "true" } }
                ] },
              { "id": "high", "type": "Elsa.WriteLine", "version": 1,
                "text": { "typeName": "String", "expression": { "type": "Variable", "value": "Label" }, "memoryReference": { "id": "high:input-0" } } },
              { "id": "low", "type": "Elsa.WriteLine", "version": 1, "text": "low" },
              { "id": "out", "type": "Elsa.SetOutput", "version": 1, "outputName": "Verdict", "outputValue": { "expression": { "type": "Literal", "value": "done" } } }
            ],
            "connections": [
              { "source": { "activity": "start", "port": "Done" }, "target": { "activity": "label", "port": "In" } },
              { "source": { "activity": "label", "port": "Done" }, "target": { "activity": "check", "port": "In" } },
              { "source": { "activity": "check", "port": "True" }, "target": { "activity": "route", "port": "In" } },
              { "source": "check", "sourcePort": "False", "target": "low", "targetPort": "In" },
              { "source": { "activity": "route", "port": "Seven" }, "target": { "activity": "high", "port": "In" } },
              { "source": { "activity": "route", "port": "Default" }, "target": { "activity": "low", "port": "In" } },
              { "source": { "activity": "high", "port": "Done" }, "target": { "activity": "out", "port": "In" } }
            ]
          }
        }
        """;

    private async Task<WorkflowInstanceState> RunAsync(WorkflowDefinition definition)
    {
        var result = await _engine.Runner.StartAsync(definition);
        Assert.True(result.Accepted, result.Rejection);
        return result.State;
    }

    private static WorkflowDefinition LoadClean(string json)
    {
        var result = Load(json);
        Assert.Empty(result.Problems);
        return result.Definition!;
    }

    [Fact]
    public async Task Load_IgnoresUnknownKeys_WhenEveryObjectCarriesKeysTheLoaderDoesNotKnow()
    {
        var noisy = JsonNode.Parse(RichWorkflow)!;
        var added = AddUnknownKeys(noisy);
        Assert.True(added > 40, $"only {added} objects were decorated");

        var clean = LoadClean(RichWorkflow);
        var decorated = LoadClean(noisy.ToJsonString());

        Assert.Equal(clean.Activities.Select(a => a.ToString()), decorated.Activities.Select(a => a.ToString()));
        Assert.Equal(clean.Connections.Select(c => (c.Source, c.SourcePort, c.Target)), decorated.Connections.Select(c => (c.Source, c.SourcePort, c.Target)));
        Assert.Equal(clean.Variables, decorated.Variables, (a, b) => a.Name == b.Name && JsonNode.DeepEquals(a.DefaultValue, b.DefaultValue));
        Assert.Equal(clean.Inputs.Select(i => i.Name), decorated.Inputs.Select(i => i.Name));
        var state = await RunAsync(decorated);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(["risk 7"], _engine.Lines);
        Assert.Equal("done", state.Output["Verdict"]!.GetValue<string>());
    }

    /// <summary>Adds keys of every JSON kind to every object in the tree; returns how many objects it touched.</summary>
    private static int AddUnknownKeys(JsonNode node)
    {
        var count = 0;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        count += AddUnknownKeys(child);
                    }
                }

                obj["zzUnknown"] = new JsonObject { ["nested"] = new JsonArray(1, "two", null), ["flag"] = true };
                obj["x-vendor-extension"] = "ignored";
                obj["aNullKey"] = null;
                obj["aNumber"] = 42.5;
                count++;
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        count += AddUnknownKeys(item);
                    }
                }

                break;
        }

        return count;
    }

    [Fact]
    public async Task Load_ReadsARealElsaExportUnchanged_WhenItCarriesDesignerAndRuntimeNoise()
    {
        const string json = """
            {
              "id": "5e1f5c0e0b4a4d3a",
              "definitionId": "b1d7c0a2e3f44c55",
              "name": "Approval notice",
              "description": "Writes who approved.",
              "createdAt": "2025-03-04T09:12:44.518233+00:00",
              "version": 3,
              "toolVersion": "3.5.0.0",
              "variables": [
                { "id": "c0ffee0000000001", "name": "Approver", "typeName": "String", "isArray": false, "value": "Ada",
                  "storageDriverTypeName": "Elsa.Workflows.WorkflowInstanceStorageDriver, Elsa.Workflows.Core" }
              ],
              "inputs": [],
              "outputs": [],
              "outcomes": [],
              "customProperties": { "Elsa:WorkflowContextProviderTypes": [] },
              "isReadonly": false,
              "isSystem": false,
              "isLatest": false,
              "isPublished": true,
              "options": { "autoUpdateConsumingWorkflows": false, "usableAsActivity": null,
                           "incidentStrategyType": "Elsa.Workflows.IncidentStrategies.ContinueWithIncidentsStrategy, Elsa.Workflows.Core" },
              "root": {
                "type": "Elsa.Flowchart",
                "version": 1,
                "id": "d3038877b083f081",
                "nodeId": "Workflow1:d3038877b083f081",
                "name": "Flowchart1",
                "metadata": {},
                "customProperties": { "source": "FlowchartJsonConverter.cs:45", "notFoundConnections": [], "canStartWorkflow": false, "runAsynchronously": false },
                "activities": [
                  { "id": "bf67b782ee873be1", "nodeId": "Workflow1:d3038877b083f081:bf67b782ee873be1", "name": "Start1", "type": "Elsa.Start", "version": 1,
                    "customProperties": { "canStartWorkflow": false, "runAsynchronously": false },
                    "metadata": { "designer": { "position": { "x": -400, "y": 0 }, "size": { "width": 102.21875, "height": 50 } } } },
                  { "text": { "typeName": "String",
                              "expression": { "type": "Variable", "value": "{\"id\":\"c0ffee0000000001\",\"name\":\"Approver\",\"typeName\":\"String\",\"value\":\"Ada\"}" },
                              "memoryReference": { "id": "fe804588be180a1f:input-0" } },
                    "id": "fe804588be180a1f", "nodeId": "Workflow1:d3038877b083f081:fe804588be180a1f", "name": "WriteLine1", "type": "Elsa.WriteLine", "version": 1,
                    "customProperties": { "canStartWorkflow": false, "runAsynchronously": false },
                    "metadata": { "designer": { "position": { "x": -160, "y": 0 }, "size": { "width": 139.296875, "height": 50 } }, "displayText": "Approver" } },
                  { "eventName": { "typeName": "String", "expression": { "type": "Literal", "value": "noticed" }, "memoryReference": { "id": "a1:input-0" } },
                    "payload": null,
                    "isLocalEvent": null,
                    "id": "a1", "nodeId": "Workflow1:d3038877b083f081:a1", "name": "PublishEvent1", "type": "Elsa.PublishEvent", "version": 1,
                    "customProperties": { "canStartWorkflow": false, "runAsynchronously": false }, "metadata": {} },
                  { "id": "1b8e69e0b6d2b38c", "nodeId": "Workflow1:d3038877b083f081:1b8e69e0b6d2b38c", "name": "End1", "type": "Elsa.End", "version": 1,
                    "customProperties": { "canStartWorkflow": false, "runAsynchronously": false },
                    "metadata": { "designer": { "position": { "x": 80, "y": 0 }, "size": { "width": 94.40625, "height": 50 } } } }
                ],
                "connections": [
                  { "source": { "activity": "bf67b782ee873be1", "port": "Done" }, "target": { "activity": "fe804588be180a1f", "port": "In" }, "vertices": [] },
                  { "source": { "activity": "fe804588be180a1f", "port": "Done" }, "target": { "activity": "a1", "port": "In" }, "vertices": [{ "x": 1, "y": 2 }] },
                  { "source": { "activity": "a1", "port": "Done" }, "target": { "activity": "1b8e69e0b6d2b38c", "port": "In" } }
                ]
              }
            }
            """;

        var definition = LoadClean(json);

        Assert.Equal("5e1f5c0e0b4a4d3a", definition.Id);
        Assert.Equal("b1d7c0a2e3f44c55", definition.DefinitionId);
        Assert.Equal(3, definition.Version);
        Assert.Equal("Approval notice", definition.Name);
        Assert.Equal("Writes who approved.", definition.Description);
        Assert.False(definition.IsLatest);
        Assert.True(definition.IsPublished);
        Assert.Equal(IncidentStrategy.Continue, definition.IncidentStrategy);
        Assert.Equal("bf67b782ee873be1", definition.Start.Id);
        var say = definition.GetActivity("fe804588be180a1f");
        Assert.Equal("WriteLine1", say.Name);
        Assert.Equal("Approver", say.Inputs["text"].Variable!.Name);
        Assert.False(definition.GetActivity("a1").Inputs.ContainsKey("payload"));
        Assert.False(definition.GetActivity("bf67b782ee873be1").CustomProperties!["canStartWorkflow"]!.GetValue<bool>());
        var state = await RunAsync(definition);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(["Ada"], _engine.Lines);
        Assert.Equal("noticed", Assert.Single(_engine.Ports.Events).EventName);
    }

    [Fact]
    public void Load_ReadsOlderFlatConnections_WhenSourceAndTargetAreIds()
    {
        var definition = LoadClean(Flowchart(
            Start() + ", " + Activity("check", "Elsa.FlowDecision", "\"condition\": true") + ", " + WriteLine("yes", "yes") + ", " + WriteLine("no", "no"),
            """
            { "source": "start", "target": "check" },
            { "source": "check", "sourcePort": "True", "target": "yes", "targetPort": "In" },
            { "source": "check", "sourcePort": "False", "target": "no" }
            """));

        Assert.Equal(
            [("start", "Done", "check", "In"), ("check", "True", "yes", "In"), ("check", "False", "no", "In")],
            definition.Connections.Select(c => (c.Source, c.SourcePort, c.Target, c.TargetPort)));
        Assert.Equal([0, 1, 2], definition.Connections.Select(c => c.Index));
    }

    [Theory]
    [InlineData("\"Approver\"")]
    [InlineData("\"c0ffee0000000001\"")]
    [InlineData("\"{\\\"id\\\":\\\"c0ffee0000000001\\\",\\\"name\\\":\\\"Approver\\\",\\\"typeName\\\":\\\"String\\\",\\\"value\\\":\\\"\\\"}\"")]
    [InlineData("{ \"id\": \"c0ffee0000000001\", \"name\": \"Approver\" }")]
    [InlineData("\"{\\\"name\\\":\\\"Approver\\\"}\"")]
    public async Task Load_BindsTheVariable_WhenAVariableExpressionNamesItByNameIdOrElsaStudioJsonText(string value)
    {
        var definition = LoadClean(Flowchart(
            Start() + ", " + Activity("say", "Elsa.WriteLine", $$"""
                "text": { "typeName": "String", "expression": { "type": "Variable", "value": {{value}} } }
                """),
            Connect("start", "say"),
            variables: """{ "id": "c0ffee0000000001", "name": "Approver", "typeName": "String", "value": "Grace" }"""));

        Assert.Equal("c0ffee0000000001", definition.GetActivity("say").Inputs["text"].Variable!.Id);
        await RunAsync(definition);
        Assert.Equal(["Grace"], _engine.Lines);
    }

    [Fact]
    public void Load_SkipsTheByteOrderMark_WhenTextStartsWithIt()
    {
        var json = Flowchart(Start() + ", " + WriteLine("say", "hi"), Connect("start", "say"));

        var definition = LoadClean("\uFEFF" + json);

        Assert.Equal("start", definition.Start.Id);
    }

    [Fact]
    public async Task LoadFileAsync_LoadsAUtf8FileWithByteOrderMark_WhenItWasSavedByAWindowsEditor()
    {
        var path = Path.Combine(Path.GetTempPath(), $"changeflow-bom-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, Flowchart(Start() + ", " + WriteLine("say", "hi"), Connect("start", "say")), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            Assert.Equal(0xEF, (await File.ReadAllBytesAsync(path))[0]);

            var result = await NewLoader().LoadFileAsync(path);

            Assert.Empty(result.Problems);
            Assert.NotNull(result.Definition);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Load_TakesBareJsonValuesAsLiterals_WhenInputsAreNotWrapped()
    {
        var definition = LoadClean(Flowchart(
            Start()
            + ", " + Activity("fork", "Elsa.FlowFork", "\"branches\": [\"A\", \"B\"]")
            + ", " + Activity("wait", "Elsa.Delay", "\"timeSpan\": \"PT0S\"")
            + ", " + Activity("check", "Elsa.FlowDecision", "\"condition\": true")
            + ", " + Activity("say", "Elsa.WriteLine", "\"text\": 42")
            + ", " + WriteLine("b", "B"),
            Connect("start", "fork") + ", " + Connect("fork", "wait", "A") + ", " + Connect("fork", "b", "B") + ", "
            + Connect("wait", "check") + ", " + Connect("check", "say", "True")));

        Assert.Equal(ExpressionKind.Literal, definition.GetActivity("say").Inputs["text"].Expression.Kind);
        Assert.Equal("42", definition.GetActivity("say").Inputs["text"].Constant!.GetValue<string>());
        Assert.Equal("00:00:00", definition.GetActivity("wait").Inputs["timeSpan"].Constant!.GetValue<string>());
        Assert.Equal(["A", "B"], definition.GetActivity("fork").KnownOutcomes!);
        var state = await RunAsync(definition);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(["B", "42"], _engine.Lines);
    }

    [Theory]
    [InlineData("Object")]
    [InlineData("Json")]
    public void Load_ReadsForkBranchesFromJsonText_WhenBranchesUseAnObjectExpression(string expressionType)
    {
        var definition = LoadClean(Flowchart(
            Start() + ", " + Activity("fork", "Elsa.FlowFork", Input("branches", expressionType, "[\"Notify\", \"Provision\"]", "String[]"))
            + ", " + WriteLine("notify", "n") + ", " + WriteLine("provision", "p"),
            Connect("start", "fork") + ", " + Connect("fork", "notify", "Notify") + ", " + Connect("fork", "provision", "Provision")));

        var fork = definition.GetActivity("fork");
        Assert.Equal(ExpressionKind.Json, fork.Inputs["branches"].Expression.Kind);
        Assert.Equal(["Notify", "Provision"], fork.KnownOutcomes!);
        Assert.Equal(["Notify", "Provision"], fork.Outbound.Select(c => c.SourcePort));
    }

    [Theory]
    [InlineData("Elsa.Workflows.IncidentStrategies.ContinueWithIncidentsStrategy, Elsa.Workflows.Core", IncidentStrategy.Continue)]
    [InlineData("ContinueWithIncidentsStrategy", IncidentStrategy.Continue)]
    [InlineData("Elsa.Workflows.IncidentStrategies.FaultStrategy, Elsa.Workflows.Core", IncidentStrategy.Fault)]
    [InlineData("FaultStrategy", IncidentStrategy.Fault)]
    [InlineData(null, IncidentStrategy.Fault)]
    public void Load_ReadsTheIncidentStrategy_WhenWrittenInEitherSpelling(string? strategy, IncidentStrategy expected)
    {
        var json = Flowchart(Start()).Replace(
            "\"variables\": [],",
            $"\"variables\": [], \"options\": {{ \"incidentStrategyType\": {(strategy is null ? "null" : Quote(strategy))} }},",
            StringComparison.Ordinal);

        Assert.Equal(expected, LoadClean(json).IncidentStrategy);
    }

    [Fact]
    public void Load_WarnsAndFaults_WhenTheIncidentStrategyIsUnknown()
    {
        var json = Flowchart(Start()).Replace("\"variables\": [],", "\"variables\": [], \"options\": { \"incidentStrategyType\": \"RetryForeverStrategy\" },", StringComparison.Ordinal);

        var result = Load(json);

        Assert.Equal(IncidentStrategy.Fault, result.Definition!.IncidentStrategy);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("$.options.incidentStrategyType", warning.Path);
        Assert.Equal("Unknown incident strategy 'RetryForeverStrategy'; faulting the instance (the default).", warning.Message);
    }

    [Fact]
    public void Load_StartsAtRootStart_WhenRootStartIsGivenAlongsideAnElsaStart()
    {
        var json = Flowchart(
            WriteLine("first", "1") + ", " + Start("start") + ", " + Activity("chosen", "Elsa.WriteLine", "\"text\": \"x\", \"customProperties\": { \"canStartWorkflow\": true }"),
            root: "\n    \"start\": \"chosen\",");

        Assert.Equal("chosen", Load(json).Definition!.Start.Id);
    }

    [Fact]
    public void Load_StartsAtElsaStart_WhenAnotherActivityCanStartTheWorkflow()
    {
        var json = Flowchart(
            WriteLine("first", "1") + ", " + Activity("flagged", "Elsa.WriteLine", "\"text\": \"x\", \"customProperties\": { \"canStartWorkflow\": true }") + ", " + Start("begin"),
            Connect("begin", "first") + ", " + Connect("begin", "flagged"));

        Assert.Equal("begin", LoadClean(json).Start.Id);
    }

    [Fact]
    public void Load_StartsAtTheFirstFlaggedActivity_WhenThereIsNoElsaStart()
    {
        var json = Flowchart(
            WriteLine("first", "1")
            + ", " + Activity("unflagged", "Elsa.WriteLine", "\"text\": \"x\", \"customProperties\": { \"canStartWorkflow\": false }")
            + ", " + Activity("flagged", "Elsa.WriteLine", "\"text\": \"x\", \"customProperties\": { \"canStartWorkflow\": true }")
            + ", " + Activity("flagged-too", "Elsa.WriteLine", "\"text\": \"x\", \"customProperties\": { \"canStartWorkflow\": true }"),
            Connect("flagged", "first") + ", " + Connect("flagged", "unflagged") + ", " + Connect("flagged", "flagged-too"));

        Assert.Equal("flagged", LoadClean(json).Start.Id);
    }

    [Fact]
    public void Load_StartsAtTheFirstActivityWithoutInboundConnections_WhenNothingElseSaysWhere()
    {
        var json = Flowchart(
            WriteLine("second", "2") + ", " + WriteLine("first", "1") + ", " + WriteLine("third", "3"),
            Connect("first", "second") + ", " + Connect("second", "third"));

        var definition = LoadClean(json);

        Assert.Equal("first", definition.Start.Id);
        Assert.All(definition.Activities, a => Assert.True(a.IsReachable));
    }

    [Fact]
    public void Load_MarksTheLoopBackConnectionAndItsBody_WhenAConnectionLeadsBackToAnEarlierActivity()
    {
        var definition = LoadClean(Flowchart(
            Start()
            + ", " + WriteLine("init", "init")
            + ", " + Activity("check", "Elsa.FlowDecision", Input("condition", "JavaScript", "getCount() < 3", "Boolean"))
            + ", " + WriteLine("body", "body")
            + ", " + Activity("bump", "Elsa.SetVariable", """ "variable": { "id": "v-count", "name": "Count", "typeName": "Int32" }, "value": { "expression": { "type": "JavaScript", "value": "getCount() + 1" } }""")
            + ", " + WriteLine("done", "done"),
            Connect("start", "init") + ", " + Connect("init", "check") + ", " + Connect("check", "body", "True") + ", "
            + Connect("body", "bump") + ", " + Connect("bump", "check") + ", " + Connect("check", "done", "False"),
            variables: """{ "id": "v-count", "name": "Count", "typeName": "Int32", "value": "0" }"""));

        var back = Assert.Single(definition.Connections, c => c.IsBackEdge);
        Assert.Equal(("bump", "check"), (back.Source, back.Target));
        var check = definition.GetActivity("check");
        Assert.Equal([("init", "check"), ("bump", "check")], check.Inbound.Select(c => (c.Source, c.Target)));
        Assert.Equal([("init", "check")], check.JoinInbound.Select(c => (c.Source, c.Target)));
        Assert.Equal(["body", "bump", "check"], back.LoopBody!.Order(StringComparer.Ordinal));
        Assert.Equal([back], definition.GetActivity("body").EnclosingLoops);
        Assert.Equal([back], check.EnclosingLoops);
        Assert.Empty(definition.GetActivity("done").EnclosingLoops);
        Assert.Empty(definition.GetActivity("init").EnclosingLoops);
        Assert.Null(definition.Connections[0].LoopBody);
    }

    [Fact]
    public void Load_FindsBothLoops_WhenOneLoopIsNestedInAnother()
    {
        var definition = LoadClean(Flowchart(
            Start()
            + ", " + Activity("outer", "Elsa.FlowDecision", "\"condition\": true")
            + ", " + Activity("inner", "Elsa.FlowDecision", "\"condition\": true")
            + ", " + WriteLine("work", "w")
            + ", " + WriteLine("done", "d"),
            Connect("start", "outer") + ", " + Connect("outer", "inner", "True") + ", " + Connect("inner", "work", "True") + ", "
            + Connect("work", "inner") + ", " + Connect("inner", "outer", "False") + ", " + Connect("outer", "done", "False")));

        var backs = definition.Connections.Where(c => c.IsBackEdge).ToList();
        Assert.Equal([("work", "inner"), ("inner", "outer")], backs.Select(c => (c.Source, c.Target)));
        Assert.Equal(["inner", "work"], backs[0].LoopBody!.Order(StringComparer.Ordinal));
        Assert.Equal(["inner", "outer", "work"], backs[1].LoopBody!.Order(StringComparer.Ordinal));
        Assert.Equal(2, definition.GetActivity("work").EnclosingLoops.Count);
    }

    [Fact]
    public async Task Load_BuildsNestedLoopsThatRunEveryPass_WhenTheInnerLoopHoldsAForkAndJoin()
    {
        var definition = LoadClean(Flowchart(
            Start()
            + ", " + Activity("outer", "Elsa.FlowDecision", Input("condition", "JavaScript", "getI() < 2", "Boolean"))
            + ", " + Activity("resetJ", "Elsa.SetVariable", """ "variable": { "id": "vj", "name": "J" }, "value": 0""")
            + ", " + Activity("inner", "Elsa.FlowDecision", Input("condition", "JavaScript", "getJ() < 2", "Boolean"))
            + ", " + Activity("fork", "Elsa.FlowFork", "\"branches\": [\"A\", \"B\"]")
            + ", " + Activity("a", "Elsa.WriteLine", Input("text", "JavaScript", "'a' + getI() + getJ()"))
            + ", " + Activity("b", "Elsa.WriteLine", Input("text", "JavaScript", "'b' + getI() + getJ()"))
            + ", " + Activity("join", "Elsa.FlowJoin", "\"mode\": \"WaitAll\"")
            + ", " + Activity("incJ", "Elsa.SetVariable", """ "variable": { "id": "vj", "name": "J" }, "value": { "expression": { "type": "JavaScript", "value": "getJ() + 1" } }""")
            + ", " + Activity("incI", "Elsa.SetVariable", """ "variable": { "id": "vi", "name": "I" }, "value": { "expression": { "type": "JavaScript", "value": "getI() + 1" } }""")
            + ", " + WriteLine("done", "done"),
            Connect("start", "outer") + ", " + Connect("outer", "resetJ", "True") + ", " + Connect("resetJ", "inner") + ", "
            + Connect("inner", "fork", "True") + ", " + Connect("fork", "a", "A") + ", " + Connect("fork", "b", "B") + ", "
            + Connect("a", "join") + ", " + Connect("b", "join") + ", " + Connect("join", "incJ") + ", " + Connect("incJ", "inner") + ", "
            + Connect("inner", "incI", "False") + ", " + Connect("incI", "outer") + ", " + Connect("outer", "done", "False"),
            variables: """{ "id": "vi", "name": "I", "typeName": "Int32", "value": "0" }, { "id": "vj", "name": "J", "typeName": "Int32", "value": "0" }"""));

        var outerLoop = definition.Connections.Single(c => c.IsBackEdge && c.Target == "outer");
        Assert.Equal(["a", "b", "fork", "incI", "incJ", "inner", "join", "outer", "resetJ"], outerLoop.LoopBody!.Order(StringComparer.Ordinal));
        var state = await RunAsync(definition);
        Assert.Equal(WorkflowStatus.Finished, state.Status);
        Assert.Equal(["a00", "b00", "a01", "b01", "a10", "b10", "a11", "b11", "done"], _engine.Lines);
    }

    [Fact]
    public void Load_ReturnsTheSameDefinition_WhenTheSameTextIsLoadedTwice()
    {
        var loader = NewLoader();
        var json = Flowchart(Start() + ", " + WriteLine("say", "hi"), Connect("start", "say"));

        var first = loader.Load(json);
        var second = loader.Load(new string(json.AsSpan()));

        Assert.NotNull(first.Definition);
        Assert.Same(first.Definition, second.Definition);
    }

    [Fact]
    public void Load_ReturnsADifferentDefinition_WhenTheTextDiffers()
    {
        var loader = NewLoader();
        var json = Flowchart(Start() + ", " + WriteLine("say", "hi"), Connect("start", "say"));

        var first = loader.Load(json).Definition!;
        var second = loader.Load(json + "\n").Definition!;
        var third = loader.Load(json.Replace("\"hi\"", "\"ho\"", StringComparison.Ordinal)).Definition!;

        Assert.NotSame(first, second);
        Assert.NotSame(first, third);
        Assert.NotEqual(first.ContentHash, second.ContentHash);
        Assert.Equal("ho", third.GetActivity("say").Inputs["text"].Constant!.GetValue<string>());
    }

    [Fact]
    public void Load_ReturnsTheSameProblems_WhenTheSameInvalidTextIsLoadedTwice()
    {
        var loader = NewLoader();

        var first = loader.Load("[]");
        var second = loader.Load("[]");

        Assert.Same(first.Problems, second.Problems);
    }

    [Fact]
    public void Load_ConvertsVariableDefaultsToTheirTypes_WhenDefaultsAreStringEncoded()
    {
        var definition = LoadClean(Flowchart(
            Start(),
            variables: """
                { "id": "v1", "name": "Count", "typeName": "Int32", "value": "5" },
                { "id": "v2", "name": "Approved", "typeName": "Boolean", "value": "true" },
                { "id": "v3", "name": "Change", "typeName": "Object", "value": "{\"number\": \"RFC-1\", \"risk\": 7, \"tags\": [\"db\"]}" },
                { "id": "v4", "name": "Window", "typeName": "DateTime", "value": "2026-05-03T10:00:00+02:00" },
                { "id": "v5", "name": "Wait", "typeName": "TimeSpan", "value": "PT30M" },
                { "id": "v6", "name": "Note", "typeName": "String", "value": "" },
                { "id": "v7", "name": "Score", "typeName": "System.Decimal, System.Private.CoreLib", "value": "2.50" },
                { "id": "v8", "name": "Empty", "typeName": "Int32", "value": "" },
                { "id": "v9", "name": "Untyped" },
                { "id": "v10", "name": "Big", "typeName": "Int64", "value": 9000000000 }
                """));

        JsonNode? Default(string name) => definition.FindVariable(name)!.DefaultValue;
        Assert.Equal(5, Default("Count")!.GetValue<int>());
        Assert.True(Default("Approved")!.GetValue<bool>());
        var change = Assert.IsType<JsonObject>(Default("Change"));
        Assert.Equal("RFC-1", change["number"]!.GetValue<string>());
        Assert.Equal(7, change["risk"]!.GetValue<int>());
        Assert.Equal("2026-05-03T08:00:00.0000000+00:00", Default("Window")!.GetValue<string>());
        Assert.Equal("00:30:00", Default("Wait")!.GetValue<string>());
        Assert.Equal("", Default("Note")!.GetValue<string>());
        Assert.Equal(2.50m, Default("Score")!.GetValue<decimal>());
        Assert.Null(Default("Empty"));
        Assert.Null(Default("Untyped"));
        Assert.Equal(9_000_000_000L, Default("Big")!.GetValue<long>());
        Assert.Equal(
            [DataType.Int32, DataType.Boolean, DataType.Object, DataType.DateTime, DataType.TimeSpan, DataType.String, DataType.Decimal, DataType.Int32, DataType.Object, DataType.Int64],
            definition.Variables.Select(v => v.Type));
        Assert.Equal("Count", definition.FindVariable("v1")!.Name);
    }

    [Fact]
    public void Load_GivesEqualDefaults_WhenTheSameInstantIsWrittenWithDifferentOffsets()
    {
        var definition = LoadClean(Flowchart(
            Start(),
            variables: """
                { "id": "v1", "name": "Local", "typeName": "DateTime", "value": "2026-05-03T10:00:00+02:00" },
                { "id": "v2", "name": "Utc", "typeName": "DateTime", "value": "2026-05-03T08:00:00Z" },
                { "id": "v3", "name": "NoOffset", "typeName": "DateTime", "value": "2026-05-03T08:00:00" }
                """));

        Assert.Single(definition.Variables.Select(v => v.DefaultValue!.GetValue<string>()).Distinct());
    }

    [Fact]
    public async Task Load_UsesTypedDefaults_WhenAnInstanceStarts()
    {
        var definition = LoadClean(Flowchart(
            Start() + ", " + Activity("say", "Elsa.WriteLine", Input("text", "JavaScript", "typeof getCount() + ':' + (getCount() + 1) + ':' + getChange().risk + ':' + (getApproved() === true)")),
            Connect("start", "say"),
            variables: """
                { "id": "v1", "name": "Count", "typeName": "Int32", "value": "5" },
                { "id": "v2", "name": "Approved", "typeName": "Boolean", "value": "true" },
                { "id": "v3", "name": "Change", "typeName": "Object", "value": "{\"risk\": 7}" }
                """));

        var state = await RunAsync(definition);

        Assert.Equal(["number:6:7:true"], _engine.Lines);
        Assert.Equal(5, state.Variables["Count"]!.GetValue<int>());
    }

    [Fact]
    public void Load_ReadsDeclaredInputsOutputsAndOutcomes_WhenTheDefinitionDeclaresThem()
    {
        var json = Flowchart(Start()).Replace(
            "\"variables\": [],",
            """
            "variables": [],
              "inputs": [
                { "name": "ChangeNumber", "type": "String", "displayName": "Change number", "description": "The RFC number.", "uiHint": "singleline", "isArray": false },
                { "name": "Risk", "type": "Int32", "defaultValue": "3" }
              ],
              "outputs": [{ "name": "Approved", "type": "Boolean", "description": "Whether the CAB approved." }],
              "outcomes": ["Approved", { "name": "Rejected" }],
            """,
            StringComparison.Ordinal);

        var definition = LoadClean(json);

        Assert.Equal(
            [new WorkflowParameter("ChangeNumber", DataType.String, "The RFC number.", null), new WorkflowParameter("Risk", DataType.Int32, null, null)],
            definition.Inputs,
            (a, b) => a.Name == b.Name && a.Type == b.Type && a.Description == b.Description);
        Assert.Equal(3, definition.Inputs[1].DefaultValue!.GetValue<int>());
        var output = Assert.Single(definition.Outputs);
        Assert.Equal(("Approved", DataType.Boolean, "Whether the CAB approved."), (output.Name, output.Type, output.Description));
        Assert.Equal(["Approved", "Rejected"], definition.Outcomes.AsEnumerable());
    }

    [Fact]
    public void Load_ReportsTheEntry_WhenADeclaredInputHasNoName()
    {
        var json = Flowchart(Start()).Replace("\"variables\": [],", "\"variables\": [], \"inputs\": [{ \"type\": \"String\" }],", StringComparison.Ordinal);

        AssertSingleError(Load(json), "$.inputs[0]", "Each entry needs a 'name'.");
    }

    [Fact]
    public void Load_BindsOutputsToVariablesById_WhenAnOutputHasAMemoryReference()
    {
        var definition = LoadClean(Flowchart(
            Start() + ", " + Activity("wait", "Elsa.Event", Input("eventName", "Literal", "approved") + """, "result": { "typeName": "Object", "memoryReference": { "id": "v-payload" } }"""),
            Connect("start", "wait"),
            variables: """{ "id": "v-payload", "name": "Payload", "typeName": "Object" }"""));

        Assert.Equal("Payload", definition.GetActivity("wait").OutputBindings["result"].Name);
    }

    [Fact]
    public void Load_ReadsSetVariableTarget_WhenTheVariableIsNamedByAnElsaReferenceObject()
    {
        var definition = LoadClean(Flowchart(
            Start() + ", " + Activity("set", "Elsa.SetVariable", """ "variable": { "id": "v-count", "name": "Count", "typeName": "Int32", "value": "0" }, "value": 3"""),
            Connect("start", "set"),
            variables: """{ "id": "v-count", "name": "Count", "typeName": "Int32", "value": "0" }"""));

        Assert.Equal("Count", Assert.IsType<VariableDefinition>(definition.GetActivity("set").Settings).Name);
    }
}
