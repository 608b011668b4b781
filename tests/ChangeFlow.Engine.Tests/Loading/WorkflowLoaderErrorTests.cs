using ChangeFlow.Engine.Loading;
using static ChangeFlow.Engine.Tests.Loading.LoaderDocuments;

namespace ChangeFlow.Engine.Tests.Loading;

/// <summary>Every kind of load error, one per test: the loader never throws, and each problem names its JSON path.</summary>
public sealed class WorkflowLoaderErrorTests
{
    [Fact]
    public void Load_ReportsLineAndColumnAtRoot_WhenJsonIsMalformed()
    {
        const string json = """
            {
              "definitionId": "broken",
              "root": { "type": "Elsa.Flowchart" "activities": [] }
            }
            """;

        var error = AssertSingleError(
            Load(json),
            "$",
            "Malformed JSON at line 3, column 38: '\"' is invalid after a value. Expected either ',', '}', or ']'.");

        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReportsMalformedJson_WhenTextIsEmpty()
    {
        var error = Assert.Single(Load("").Errors);

        Assert.Equal("$", error.Path);
        Assert.StartsWith("Malformed JSON at line 1, column 1: The input does not contain any JSON tokens.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReportsTheRepeatedKeyInsteadOfThrowing_WhenAKeyAppearsTwiceInOneObject()
    {
        var json = Flowchart(
            Start() + ", " + """{ "id": "say", "type": "Elsa.WriteLine", "text": "one", "text": "two" }""",
            Connect("start", "say"));

        // System.Text.Json gives no position for a repeated key, only its name.
        AssertSingleError(Load(json), "$", "Malformed JSON: Duplicate property 'text' encountered during deserialization.");
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"hello\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void Load_ReportsNotAnObject_WhenTopLevelIsNotAnObject(string json)
    {
        AssertSingleError(Load(json), "$", "A workflow definition must be a JSON object.");
    }

    [Fact]
    public void Load_ReportsMissingRoot_WhenThereIsNoRoot()
    {
        AssertSingleError(
            Load("""{ "definitionId": "no-root", "version": 1 }"""),
            "$.root",
            "A definition needs a 'root' object of type Elsa.Flowchart.");
    }

    [Fact]
    public void Load_ReportsRootType_WhenRootIsNotAFlowchart()
    {
        const string json = """
            { "definitionId": "seq", "root": { "type": "Elsa.Sequence", "id": "seq", "activities": [{ "id": "start", "type": "Elsa.Start" }] } }
            """;

        AssertSingleError(Load(json), "$.root.type", "The root activity must be an Elsa.Flowchart, not 'Elsa.Sequence'.");
    }

    [Fact]
    public void Load_ReportsEmptyFlowchart_WhenThereAreNoActivities()
    {
        AssertSingleError(Load(Flowchart("")), "$.root.activities", "The flowchart has no activities, so there is no start activity.");
    }

    [Fact]
    public void Load_ReportsUnknownType_WhenAnActivityTypeIsNotRegistered()
    {
        var json = Flowchart(Start() + ", " + Activity("beam", "Acme.Teleport"));

        AssertSingleError(Load(json), "$.root.activities[1].type", "Unknown activity type 'Acme.Teleport'.");
    }

    [Fact]
    public void Load_ReportsDuplicateIdWithTheFirstUse_WhenTwoActivitiesShareAnId()
    {
        var json = Flowchart(
            Start() + ", " + WriteLine("say", "one") + ", " + WriteLine("say", "two"),
            Connect("start", "say"));

        AssertSingleError(Load(json), "$.root.activities[2].id", "Duplicate activity id 'say' (first used at $.root.activities[1]).");
    }

    [Fact]
    public void Load_ReportsTargetActivity_WhenANestedConnectionLeadsToAMissingActivity()
    {
        var json = Flowchart(Start(), Connect("start", "ghost"));

        AssertSingleError(Load(json), "$.root.connections[0].target.activity", "Connection target 'ghost' is not an activity of this flowchart.");
    }

    [Fact]
    public void Load_ReportsSourceActivity_WhenANestedConnectionComesFromAMissingActivity()
    {
        var json = Flowchart(Start() + ", " + WriteLine("say", "hi"), Connect("start", "say") + ", " + Connect("ghost", "say"));

        AssertSingleError(Load(json), "$.root.connections[1].source.activity", "Connection source 'ghost' is not an activity of this flowchart.");
    }

    [Fact]
    public void Load_ReportsTarget_WhenAFlatConnectionLeadsToAMissingActivity()
    {
        var json = Flowchart(Start(), """{ "source": "start", "sourcePort": "Done", "target": "ghost", "targetPort": "In" }""");

        AssertSingleError(Load(json), "$.root.connections[0].target", "Connection target 'ghost' is not an activity of this flowchart.");
    }

    [Fact]
    public void Load_ReportsSource_WhenAFlatConnectionComesFromAMissingActivity()
    {
        var json = Flowchart(Start(), """{ "source": "ghost", "target": "start" }""");

        AssertSingleError(Load(json), "$.root.connections[0].source", "Connection source 'ghost' is not an activity of this flowchart.");
    }

    [Fact]
    public void Load_ReportsMissingSource_WhenAConnectionHasNoSource()
    {
        var json = Flowchart(Start() + ", " + WriteLine("say", "hi"), Connect("start", "say") + """, { "target": { "activity": "say", "port": "In" } }""");

        AssertSingleError(Load(json), "$.root.connections[1].source", "A connection needs a source activity.");
    }

    [Fact]
    public void Load_ReportsThePortsTheActivityHas_WhenAConnectionLeavesFromAPortItDoesNotHave()
    {
        var json = Flowchart(
            Start() + ", " + WriteLine("say", "hi") + ", " + WriteLine("next", "there"),
            Connect("start", "say") + ", " + Connect("say", "next", port: "True"));

        AssertSingleError(Load(json), "$.root.connections[1].source.port", "Activity 'say' (Elsa.WriteLine) has no outcome port 'True'; it has Done.");
    }

    [Fact]
    public void Load_ReportsSourcePort_WhenAFlatConnectionLeavesFromAPortTheActivityDoesNotHave()
    {
        var json = Flowchart(
            Start() + ", " + Activity("check", "Elsa.FlowDecision", "\"condition\": true") + ", " + WriteLine("next", "there"),
            Connect("start", "check") + """, { "source": "check", "sourcePort": "Maybe", "target": "next", "targetPort": "In" }""");

        AssertSingleError(Load(json), "$.root.connections[1].sourcePort", "Activity 'check' (Elsa.FlowDecision) has no outcome port 'Maybe'; it has True, False.");
    }

    [Fact]
    public void Load_ReportsNoOutcomePorts_WhenAConnectionLeavesAnEnd()
    {
        var json = Flowchart(
            Start() + ", " + Activity("end", "Elsa.End") + ", " + WriteLine("after", "never"),
            Connect("start", "end") + ", " + Connect("end", "after"));

        AssertSingleError(Load(json), "$.root.connections[1].source.port", "Activity 'end' (Elsa.End) has no outcome port 'Done'; it has no outcome ports.");
    }

    [Fact]
    public void Load_ReportsTargetPort_WhenTheTargetPortIsNotIn()
    {
        var json = Flowchart(
            Start() + ", " + WriteLine("say", "hi"),
            """{ "source": { "activity": "start", "port": "Done" }, "target": { "activity": "say", "port": "Done" } }""");

        AssertSingleError(Load(json), "$.root.connections[0].target.port", "Activity 'say' has no input port 'Done'; flowchart activities are entered through 'In'.");
    }

    [Theory]
    [InlineData("")]
    [InlineData("\"text\": null")]
    [InlineData("\"text\": { \"typeName\": \"String\", \"expression\": { \"type\": \"JavaScript\", \"value\": \"  \" } }")]
    public void Load_ReportsRequiredInput_WhenWriteLineHasNoText(string text)
    {
        var json = Flowchart(Start() + ", " + Activity("say", "Elsa.WriteLine", text), Connect("start", "say"));

        AssertSingleError(Load(json), "$.root.activities[1].text", "Required input 'text' of Elsa.WriteLine is missing.");
    }

    [Fact]
    public void Load_ReportsRequiredInput_WhenFlowDecisionHasNoCondition()
    {
        var json = Flowchart(Start() + ", " + Activity("check", "Elsa.FlowDecision"), Connect("start", "check"));

        AssertSingleError(Load(json), "$.root.activities[1].condition", "Required input 'condition' of Elsa.FlowDecision is missing.");
    }

    [Fact]
    public void Load_ReportsWrongType_WhenDelayTimeSpanLiteralIsNotADuration()
    {
        var json = Flowchart(Start() + ", " + Activity("wait", "Elsa.Delay", Input("timeSpan", "Literal", "soon", "TimeSpan")), Connect("start", "wait"));

        AssertSingleError(Load(json), "$.root.activities[1].timeSpan.expression.value", "Input 'timeSpan' has the wrong type: \"soon\" is not a valid TimeSpan.");
    }

    [Fact]
    public void Load_ReportsWrongType_WhenABareLiteralHasTheWrongType()
    {
        var json = Flowchart(Start() + ", " + Activity("wait", "Elsa.Delay", "\"timeSpan\": true"), Connect("start", "wait"));

        AssertSingleError(Load(json), "$.root.activities[1].timeSpan", "Input 'timeSpan' has the wrong type: true is not a valid TimeSpan.");
    }

    [Fact]
    public void Load_ReportsWrongType_WhenAnInt32VariableDefaultIsNotANumber()
    {
        var json = Flowchart(Start(), variables: """{ "id": "v-count", "name": "Count", "typeName": "Int32", "value": "abc" }""");

        AssertSingleError(Load(json), "$.variables[0].value", "\"abc\" is not a valid Int32.");
    }

    [Fact]
    public void Load_ReportsTheAllowedModes_WhenFlowJoinModeIsUnknown()
    {
        var json = Flowchart(Start() + ", " + Activity("join", "Elsa.FlowJoin", Input("mode", "Literal", "Sometimes")), Connect("start", "join"));

        AssertSingleError(Load(json), "$.root.activities[1].mode.expression.value", "Input 'mode' has the wrong type: 'Sometimes' is not one of WaitAny, WaitAll, WaitAllActive.");
    }

    [Fact]
    public void Load_ReportsLiteralOnly_WhenFlowJoinModeIsAScript()
    {
        var json = Flowchart(Start() + ", " + Activity("join", "Elsa.FlowJoin", Input("mode", "JavaScript", "'WaitAll'")), Connect("start", "join"));

        AssertSingleError(Load(json), "$.root.activities[1].mode.expression.value", "Input 'mode' must be a literal; the engine needs its value before the activity runs.");
    }

    [Fact]
    public void Load_ReportsInvalidJson_WhenAnObjectExpressionIsNotJson()
    {
        var json = Flowchart(Start() + ", " + Activity("fork", "Elsa.FlowFork", Input("branches", "Object", "[\"A\", ", "String[]")), Connect("start", "fork"));

        var error = AssertSingleError(Load(json), "$.root.activities[1].branches.expression.value", "Input 'branches' is not valid JSON: Expected start of a property name or value, but instead reached end of data.");

        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReportsSyntaxErrorWithLineAndColumn_WhenJavaScriptExpressionDoesNotParse()
    {
        var json = Flowchart(Start() + ", " + Activity("check", "Elsa.FlowDecision", Input("condition", "JavaScript", "x >= = 9", "Boolean")), Connect("start", "check"));

        AssertSingleError(Load(json), "$.root.activities[1].condition.expression.value", "JavaScript syntax error at line 1, column 6: Unexpected token '='");
    }

    [Fact]
    public void Load_ReportsSyntaxErrorOnItsOwnLine_WhenAJavaScriptStatementBodyDoesNotParse()
    {
        var json = Flowchart(Start() + ", " + Activity("check", "Elsa.FlowDecision", Input("condition", "JavaScript", "const x = 1;\nreturn x +* 2;", "Boolean")), Connect("start", "check"));

        AssertSingleError(Load(json), "$.root.activities[1].condition.expression.value", "JavaScript syntax error at line 2, column 11: Unexpected token '*'");
    }

    [Fact]
    public void Load_ReportsEndOfScript_WhenAJavaScriptExpressionStopsHalfWay()
    {
        var json = Flowchart(Start() + ", " + Activity("check", "Elsa.FlowDecision", Input("condition", "JavaScript", "change.riskScore >=", "Boolean")), Connect("start", "check"));

        AssertSingleError(Load(json), "$.root.activities[1].condition.expression.value", "JavaScript syntax error at line 1, column 20: Unexpected end of script");
    }

    [Fact]
    public void Load_ReportsLiquidSyntaxErrorWithPosition_WhenLiquidTemplateDoesNotParse()
    {
        var json = Flowchart(Start() + ", " + Activity("say", "Elsa.WriteLine", Input("text", "Liquid", "RFC {{ change.number ")), Connect("start", "say"));

        var error = AssertSingleError(
            Load(json),
            "$.root.activities[1].text.expression.value",
            "Liquid syntax error: End of tag '}}' was expected at (1:21) Source: RFC {{ change.number");

        Assert.StartsWith("Liquid syntax error: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ReportsUnknownTag_WhenLiquidTemplateUsesATagFluidDoesNotKnow()
    {
        var json = Flowchart(Start() + ", " + Activity("say", "Elsa.WriteLine", Input("text", "Liquid", "{% teleport %}")), Connect("start", "say"));

        AssertSingleError(Load(json), "$.root.activities[1].text.expression.value", "Liquid syntax error: Unknown tag 'teleport' at (1:12)");
    }

    [Fact]
    public void Load_ReportsTheKnownTypes_WhenExpressionTypeIsUnknown()
    {
        var json = Flowchart(Start() + ", " + Activity("say", "Elsa.WriteLine", Input("text", "Python", "print('hi')")), Connect("start", "say"));

        AssertSingleError(Load(json), "$.root.activities[1].text.expression.type", "Unknown expression type 'Python'; use Literal, JavaScript, Liquid, Variable, Object or Json.");
    }

    [Fact]
    public void Load_ReportsMissingVariable_WhenAVariableExpressionNamesNoVariable()
    {
        var json = Flowchart(
            Start() + ", " + Activity("say", "Elsa.WriteLine", Input("text", "Variable", "Nope")),
            Connect("start", "say"),
            variables: """{ "id": "v-msg", "name": "Message", "typeName": "String", "value": "hi" }""");

        AssertSingleError(Load(json), "$.root.activities[1].text.expression.value", "'Nope' is not a variable of this workflow.");
    }

    [Fact]
    public void Load_ReportsMissingVariable_WhenAnOutputIsBoundToAnUnknownVariableId()
    {
        var json = Flowchart(
            Start() + ", " + Activity("wait", "Elsa.Event", Input("eventName", "Literal", "approved") + """, "result": { "typeName": "Object", "memoryReference": { "id": "v-ghost" } }"""),
            Connect("start", "wait"),
            variables: """{ "id": "v-payload", "name": "Payload", "typeName": "Object" }""");

        AssertSingleError(Load(json), "$.root.activities[1].result.memoryReference.id", "Output 'result' is bound to 'v-ghost', which is not a variable of this workflow.");
    }

    [Fact]
    public void Load_ReportsNoStartActivity_WhenEveryActivityHasAnInboundConnection()
    {
        var json = Flowchart(
            WriteLine("ping", "ping") + ", " + WriteLine("pong", "pong"),
            Connect("ping", "pong") + ", " + Connect("pong", "ping"));

        AssertSingleError(
            Load(json),
            "$.root",
            "No start activity: there is no Elsa.Start, no activity with customProperties.canStartWorkflow, and every activity has an inbound connection.");
    }

    [Fact]
    public void Load_ReportsStart_WhenRootStartNamesAMissingActivity()
    {
        var json = Flowchart(Start(), root: "\n    \"start\": \"ghost\",");

        AssertSingleError(Load(json), "$.root.start", "The start activity 'ghost' is not an activity of this flowchart.");
    }

    [Fact]
    public void Load_ReportsDuplicateName_WhenTwoVariablesShareAName()
    {
        var json = Flowchart(
            Start(),
            variables: """
                { "id": "v1", "name": "Count", "typeName": "Int32", "value": "1" },
                { "id": "v2", "name": "Count", "typeName": "Int32", "value": "2" }
                """);

        AssertSingleError(Load(json), "$.variables[1].name", "Duplicate variable name 'Count'.");
    }

    [Fact]
    public void Load_ReportsDuplicateId_WhenTwoVariablesShareAnId()
    {
        var json = Flowchart(
            Start(),
            variables: """
                { "id": "v1", "name": "Count", "typeName": "Int32", "value": "1" },
                { "id": "v1", "name": "Total", "typeName": "Int32", "value": "2" }
                """);

        AssertSingleError(Load(json), "$.variables[1].id", "Duplicate variable id 'v1'.");
    }

    [Fact]
    public void Load_ReportsVersion_WhenVersionIsNotAPositiveInteger()
    {
        var json = Flowchart(Start()).Replace("\"version\": 1,\n  \"variables\"", "\"version\": 0,\n  \"variables\"", StringComparison.Ordinal);

        AssertSingleError(Load(json), "$.version", "'version' must be a positive integer.");
    }

    [Fact]
    public void Load_WarnsAndStillLoads_WhenAnActivityCannotBeReached()
    {
        var json = Flowchart(
            Start() + ", " + WriteLine("say", "hi") + ", " + WriteLine("orphan", "never"),
            Connect("start", "say"));

        var result = Load(json);

        Assert.NotNull(result.Definition);
        Assert.Empty(result.Errors);
        var warning = Assert.Single(result.Problems);
        Assert.Equal(ProblemSeverity.Warning, warning.Severity);
        Assert.Equal("$.root.activities[2]", warning.Path);
        Assert.Equal("Activity 'orphan' (Elsa.WriteLine) cannot be reached from the start activity 'start'.", warning.Message);
        Assert.False(result.Definition.GetActivity("orphan").IsReachable);
        Assert.True(result.Definition.GetActivity("say").IsReachable);
    }

    [Fact]
    public void Load_ReturnsEveryErrorInDocumentOrderAndNoDefinition_WhenADocumentHasManyErrors()
    {
        const string json = """
            {
              "definitionId": "many-errors",
              "variables": [
                { "id": "v1", "name": "Count", "typeName": "Int32", "value": "abc" },
                { "id": "v2", "name": "Count", "typeName": "String" }
              ],
              "root": {
                "type": "Elsa.Flowchart",
                "activities": [
                  { "id": "start", "type": "Elsa.Start" },
                  { "id": "beam", "type": "Acme.Teleport" },
                  { "id": "silent", "type": "Elsa.WriteLine" },
                  { "id": "check", "type": "Elsa.FlowDecision",
                    "condition": { "typeName": "Boolean", "expression": { "type": "JavaScript", "value": "getCount() >" } } },
                  { "id": "wait", "type": "Elsa.Delay",
                    "timeSpan": { "typeName": "TimeSpan", "expression": { "type": "Literal", "value": "soon" } } }
                ],
                "connections": [
                  { "source": { "activity": "start", "port": "Done" }, "target": { "activity": "silent", "port": "In" } },
                  { "source": { "activity": "silent", "port": "Done" }, "target": { "activity": "check", "port": "In" } },
                  { "source": { "activity": "check", "port": "True" }, "target": { "activity": "wait", "port": "In" } },
                  { "source": { "activity": "check", "port": "False" }, "target": { "activity": "ghost", "port": "In" } },
                  { "source": { "activity": "wait", "port": "TimedOut" }, "target": { "activity": "silent", "port": "In" } }
                ]
              }
            }
            """;

        var result = Load(json);

        Assert.Null(result.Definition);
        Assert.All(result.Problems, p => Assert.Equal(ProblemSeverity.Error, p.Severity));
        Assert.Equal(
            [
                "$.variables[0].value: \"abc\" is not a valid Int32.",
                "$.variables[1].name: Duplicate variable name 'Count'.",
                "$.root.activities[1].type: Unknown activity type 'Acme.Teleport'.",
                "$.root.activities[2].text: Required input 'text' of Elsa.WriteLine is missing.",
                "$.root.activities[3].condition.expression.value: JavaScript syntax error at line 1, column 13: Unexpected end of script",
                "$.root.activities[4].timeSpan.expression.value: Input 'timeSpan' has the wrong type: \"soon\" is not a valid TimeSpan.",
                "$.root.connections[3].target.activity: Connection target 'ghost' is not an activity of this flowchart.",
                "$.root.connections[4].source.port: Activity 'wait' (Elsa.Delay) has no outcome port 'TimedOut'; it has Done.",
            ],
            result.Problems.Select(p => p.ToString()));
        var thrown = Assert.Throws<InvalidOperationException>(result.GetDefinitionOrThrow);
        Assert.Contains("$.root.connections[4].source.port", thrown.Message, StringComparison.Ordinal);
    }
}
