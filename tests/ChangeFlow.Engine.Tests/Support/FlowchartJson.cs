using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChangeFlow.Engine.Tests.Support;

/// <summary>
/// Writes a workflow definition in the Elsa 3 export shape from a compact description, so that execution tests keep
/// their workflow inline and readable. Inputs are written as Elsa writes them (<c>{typeName, expression, memoryReference}</c>),
/// connections in the nested form, variables string-encoded. Every builder call returns the builder.
/// </summary>
public sealed class FlowchartJson
{
    private readonly JsonObject _document;
    private readonly JsonArray _variables = [];
    private readonly JsonArray _inputs = [];
    private readonly JsonArray _outputs = [];
    private readonly JsonArray _activities = [];
    private readonly JsonArray _connections = [];
    private readonly Dictionary<string, (string Id, string TypeName)> _variableIds = new(StringComparer.Ordinal);

    /// <summary>Starts a definition; <paramref name="id"/> (the version id) defaults to <c>{definitionId}-v{version}</c>.</summary>
    public FlowchartJson(string definitionId = "test-flow", int version = 1, string? id = null)
    {
        _document = new JsonObject
        {
            ["id"] = id ?? $"{definitionId}-v{version}",
            ["definitionId"] = definitionId,
            ["name"] = definitionId,
            ["version"] = version,
            ["isLatest"] = true,
            ["isPublished"] = true,
            ["variables"] = _variables,
            ["inputs"] = _inputs,
            ["outputs"] = _outputs,
            ["root"] = new JsonObject
            {
                ["type"] = "Elsa.Flowchart",
                ["id"] = "flow",
                ["activities"] = _activities,
                ["connections"] = _connections,
            },
        };
    }

    /// <summary>The id a variable gets: <c>var-{name}</c> unless given.</summary>
    public string VariableId(string name) => _variableIds[name].Id;

    /// <summary>Declares a variable (default written string-encoded, as Elsa does).</summary>
    public FlowchartJson Variable(string name, string typeName, string? value = null, string? id = null)
    {
        id ??= "var-" + name;
        _variableIds[name] = (id, typeName);
        var variable = new JsonObject { ["id"] = id, ["name"] = name, ["typeName"] = typeName };
        if (value is not null)
        {
            variable["value"] = value;
        }

        _variables.Add(variable);
        return this;
    }

    /// <summary>Declares a workflow input.</summary>
    public FlowchartJson Input(string name, string typeName)
    {
        _inputs.Add(new JsonObject { ["name"] = name, ["type"] = typeName });
        return this;
    }

    /// <summary>Declares a workflow output.</summary>
    public FlowchartJson Output(string name, string typeName)
    {
        _outputs.Add(new JsonObject { ["name"] = name, ["type"] = typeName });
        return this;
    }

    /// <summary>Selects Elsa's ContinueWithIncidentsStrategy: a fault ends its own path only.</summary>
    public FlowchartJson ContinueOnIncidents()
    {
        _document["options"] = new JsonObject
        {
            ["incidentStrategyType"] = "Elsa.Workflows.IncidentStrategies.ContinueWithIncidentsStrategy, Elsa.Workflows.Core",
        };
        return this;
    }

    /// <summary>Adds an activity of any type; <paramref name="properties"/> are its inputs and other top-level keys.</summary>
    public FlowchartJson Activity(string id, string type, JsonObject? properties = null)
    {
        var activity = new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["version"] = 1,
            ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = _activities.Count * 200, ["y"] = 0 } } },
        };
        if (properties is not null)
        {
            foreach (var (key, value) in properties.ToList())
            {
                properties.Remove(key);
                activity[key] = value;
            }
        }

        _activities.Add(activity);
        return this;
    }

    /// <summary>Sets <c>customProperties.{key}</c> of an activity added before (e.g. <c>mergeMode</c>).</summary>
    public FlowchartJson CustomProperty(string activityId, string key, JsonNode? value)
    {
        var activity = _activities.OfType<JsonObject>().Single(a => a["id"]!.GetValue<string>() == activityId);
        if (activity["customProperties"] is not JsonObject custom)
        {
            custom = [];
            activity["customProperties"] = custom;
        }

        custom[key] = value;
        return this;
    }

    /// <summary>Adds <c>Elsa.Start</c>.</summary>
    public FlowchartJson Start(string id = "start") => Activity(id, "Elsa.Start");

    /// <summary>Adds <c>Elsa.End</c>.</summary>
    public FlowchartJson End(string id) => Activity(id, "Elsa.End");

    /// <summary>Adds <c>Elsa.Finish</c>.</summary>
    public FlowchartJson Finish(string id) => Activity(id, "Elsa.Finish");

    /// <summary>Adds <c>Elsa.WriteLine</c> with literal text.</summary>
    public FlowchartJson WriteLine(string id, string text) => WriteLine(id, Literal(text));

    /// <summary>Adds <c>Elsa.WriteLine</c> with an expression.</summary>
    public FlowchartJson WriteLine(string id, JsonObject text) => Activity(id, "Elsa.WriteLine", new JsonObject { ["text"] = text });

    /// <summary>Adds <c>Elsa.SetVariable</c> for a variable declared before.</summary>
    public FlowchartJson SetVariable(string id, string variableName, JsonObject value)
    {
        var (variableId, typeName) = _variableIds[variableName];
        return Activity(id, "Elsa.SetVariable", new JsonObject
        {
            ["variable"] = new JsonObject { ["id"] = variableId, ["name"] = variableName, ["typeName"] = typeName },
            ["value"] = value,
        });
    }

    /// <summary>Adds <c>Elsa.FlowDecision</c> with a JavaScript condition.</summary>
    public FlowchartJson Decision(string id, string javaScript) => Decision(id, JavaScript(javaScript, "Boolean"));

    /// <summary>Adds <c>Elsa.FlowDecision</c> with any condition expression.</summary>
    public FlowchartJson Decision(string id, JsonObject condition) => Activity(id, "Elsa.FlowDecision", new JsonObject { ["condition"] = condition });

    /// <summary>Adds <c>Elsa.FlowFork</c> with its branch names (written as Elsa does: JSON text in an Object expression).</summary>
    public FlowchartJson Fork(string id, params string[] branches) =>
        Activity(id, "Elsa.FlowFork", new JsonObject { ["branches"] = Json(JsonSerializer.Serialize(branches), "String[]") });

    /// <summary>Adds <c>Elsa.FlowJoin</c>; without <paramref name="mode"/> the input is left out.</summary>
    public FlowchartJson Join(string id, string? mode = null) =>
        Activity(id, "Elsa.FlowJoin", mode is null ? null : new JsonObject
        {
            ["mode"] = Literal(mode, "Elsa.Workflows.Activities.Flowchart.Models.FlowJoinMode, Elsa.Workflows.Core"),
        });

    /// <summary>Adds <c>Elsa.Delay</c> with a literal duration.</summary>
    public FlowchartJson Delay(string id, string timeSpan) => Activity(id, "Elsa.Delay", new JsonObject { ["timeSpan"] = Literal(timeSpan, "TimeSpan") });

    /// <summary>Adds <c>Elsa.Timer</c> with a literal interval.</summary>
    public FlowchartJson Timer(string id, string interval) => Activity(id, "Elsa.Timer", new JsonObject { ["interval"] = Literal(interval, "TimeSpan") });

    /// <summary>Adds <c>Elsa.StartAt</c> with a literal instant.</summary>
    public FlowchartJson StartAt(string id, string dateTime) => Activity(id, "Elsa.StartAt", new JsonObject { ["dateTime"] = Literal(dateTime, "DateTimeOffset") });

    /// <summary>Adds <c>Elsa.Event</c>; its <c>result</c> output is bound to <paramref name="resultVariable"/> when given.</summary>
    public FlowchartJson Event(string id, string eventName, string? resultVariable = null)
    {
        var properties = new JsonObject { ["eventName"] = Literal(eventName) };
        properties["result"] = resultVariable is null ? null : OutputTo(VariableId(resultVariable));
        return Activity(id, "Elsa.Event", properties);
    }

    /// <summary>Adds <c>Elsa.Fault</c>.</summary>
    public FlowchartJson Fault(string id, string? code, string message)
    {
        var properties = new JsonObject { ["message"] = Literal(message) };
        if (code is not null)
        {
            properties["code"] = Literal(code);
        }

        return Activity(id, "Elsa.Fault", properties);
    }

    /// <summary>Connects <paramref name="source"/>'s <c>Done</c> port to <paramref name="target"/>.</summary>
    public FlowchartJson Connect(string source, string target) => Connect(source, "Done", target);

    /// <summary>Connects an outcome port of <paramref name="source"/> to <paramref name="target"/>.</summary>
    public FlowchartJson Connect(string source, string port, string target)
    {
        _connections.Add(new JsonObject
        {
            ["source"] = new JsonObject { ["activity"] = source, ["port"] = port },
            ["target"] = new JsonObject { ["activity"] = target, ["port"] = "In" },
        });
        return this;
    }

    /// <summary>Connects each activity's <c>Done</c> port to the next one.</summary>
    public FlowchartJson Chain(params string[] ids)
    {
        for (var i = 1; i < ids.Length; i++)
        {
            Connect(ids[i - 1], ids[i]);
        }

        return this;
    }

    /// <summary>The definition as JSON text.</summary>
    public string Build() => _document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <inheritdoc />
    public override string ToString() => Build();

    /// <summary>An Elsa <c>Literal</c> input.</summary>
    public static JsonObject Literal(JsonNode? value, string typeName = "String") => Input(typeName, "Literal", value);

    /// <summary>An Elsa <c>JavaScript</c> input.</summary>
    public static JsonObject JavaScript(string code, string typeName = "Object") => Input(typeName, "JavaScript", code);

    /// <summary>An Elsa <c>Liquid</c> input.</summary>
    public static JsonObject Liquid(string template, string typeName = "String") => Input(typeName, "Liquid", template);

    /// <summary>An Elsa <c>Object</c> input: JSON text.</summary>
    public static JsonObject Json(string jsonText, string typeName = "Object") => Input(typeName, "Object", jsonText);

    /// <summary>An Elsa <c>Variable</c> input naming a variable by id.</summary>
    public static JsonObject VariableValue(string variableId, string typeName = "Object") => Input(typeName, "Variable", variableId);

    /// <summary>An output bound to a variable by its id.</summary>
    public static JsonObject OutputTo(string variableId) =>
        new() { ["typeName"] = "Object", ["memoryReference"] = new JsonObject { ["id"] = variableId } };

    private static JsonObject Input(string typeName, string expressionType, JsonNode? value) => new()
    {
        ["typeName"] = typeName,
        ["expression"] = new JsonObject { ["type"] = expressionType, ["value"] = value },
    };
}
