using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Benchmarks.ChangeFlow;

/// <summary>How each counter step of a benchmark workflow does its work.</summary>
public enum StepKind
{
    /// <summary>
    /// <c>Elsa.SetVariable</c> with a literal: step <c>i</c> sets the counter to <c>i</c>. No expression is
    /// evaluated; the step still writes the variable (converted to its declared type) and is journalled.
    /// </summary>
    Literal,

    /// <summary><c>Elsa.SetVariable</c> with the JavaScript <c>getCounter() + 1</c>, run by Jint.</summary>
    JavaScript,

    /// <summary>
    /// A C# activity, <see cref="IncrementCounter"/>, that reads the counter and writes it back plus one: the same
    /// work as WorkflowCore's <c>IncrementCounter</c> step body.
    /// </summary>
    CSharp,
}

/// <summary>
/// The benchmark workloads of <see cref="Workload"/> as ChangeFlow definitions, in the Elsa 3 export shape the loader
/// reads (the same shape <c>tests/ChangeFlow.Engine.Tests/Support/FlowchartJson.cs</c> writes).
/// </summary>
public static class BenchmarkWorkflows
{
    public const string CounterVariable = "Counter";

    public const string SequentialDefinitionId = "benchmark-sequential";

    public const string ResumeDefinitionId = "benchmark-resume";

    public const string TimerDefinitionId = "benchmark-timer";

    /// <summary>The id of the timer activity in <see cref="Timer"/>; its <c>Resumed</c> journal entry is the firing.</summary>
    public const string TimerActivityId = "wait";

    /// <summary>The workflow input that carries the timer's due instant.</summary>
    public const string DueAtInput = "dueAt";

    /// <summary>The registry every benchmark loads with: Elsa's activities plus <see cref="IncrementCounter"/>.</summary>
    public static ActivityRegistry CreateRegistry() => ActivityRegistry.CreateDefault().Add<IncrementCounter>();

    /// <summary>Start, <paramref name="steps"/> counter steps, complete (the flowchart has <c>steps + 1</c> activities).</summary>
    public static string Sequential(StepKind kind, int steps = Workload.SequentialStepCount, string? name = null)
    {
        var activities = new JsonArray { Activity("start", "Elsa.Start") };
        var ids = new List<string> { "start" };
        for (var i = 1; i <= steps; i++)
        {
            var id = $"step{i}";
            activities.Add(Step(id, kind, i));
            ids.Add(id);
        }

        return Document(SequentialDefinitionId, name ?? SequentialDefinitionId, activities, Chain(ids));
    }

    /// <summary>
    /// Start, one counter step, wait for the event <see cref="Workload.ResumeEventName"/>, one counter step; a
    /// completed instance holds <see cref="Workload.ResumeCounterOnCompletion"/>.
    /// </summary>
    public static string Resume(StepKind kind)
    {
        var activities = new JsonArray
        {
            Activity("start", "Elsa.Start"),
            Step("before", kind, 1),
            Activity("wait", "Elsa.Event", new JsonObject { ["eventName"] = Literal(Workload.ResumeEventName) }),
            Step("after", kind, 2),
        };
        return Document(ResumeDefinitionId, ResumeDefinitionId, activities, Chain(["start", "before", "wait", "after"]));
    }

    /// <summary>
    /// Start, <c>Elsa.StartAt</c> at the instant given as the workflow input <see cref="DueAtInput"/>, one counter step.
    /// </summary>
    public static string Timer()
    {
        var activities = new JsonArray
        {
            Activity("start", "Elsa.Start"),
            Activity(TimerActivityId, "Elsa.StartAt", new JsonObject
            {
                ["dateTime"] = Expression("DateTimeOffset", "JavaScript", $"getInput('{DueAtInput}')"),
            }),
            Step("after", StepKind.Literal, 1),
        };
        return Document(TimerDefinitionId, TimerDefinitionId, activities, Chain(["start", TimerActivityId, "after"]));
    }

    /// <summary>The payload of the stimulus that resumes <see cref="Resume"/>'s event activity.</summary>
    public static JsonObject ResumeStimulusPayload() => Event.StimulusPayload(Workload.ResumeEventName);

    private static JsonObject Step(string id, StepKind kind, int value) => kind switch
    {
        StepKind.Literal => SetCounter(id, Expression("Int32", "Literal", value.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        StepKind.JavaScript => SetCounter(id, Expression("Int32", "JavaScript", "getCounter() + 1")),
        StepKind.CSharp => Activity(id, IncrementCounter.TypeName),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static JsonObject SetCounter(string id, JsonObject value) => Activity(id, "Elsa.SetVariable", new JsonObject
    {
        ["variable"] = new JsonObject { ["id"] = "var-" + CounterVariable, ["name"] = CounterVariable, ["typeName"] = "Int32" },
        ["value"] = value,
    });

    private static JsonObject Activity(string id, string type, JsonObject? inputs = null)
    {
        var activity = new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["version"] = 1,
            ["metadata"] = new JsonObject { ["designer"] = new JsonObject { ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 } } },
        };
        foreach (var (key, value) in inputs?.ToList() ?? [])
        {
            inputs!.Remove(key);
            activity[key] = value;
        }

        return activity;
    }

    private static JsonObject Literal(string value) => Expression("String", "Literal", value);

    private static JsonObject Expression(string typeName, string type, string value) => new()
    {
        ["typeName"] = typeName,
        ["expression"] = new JsonObject { ["type"] = type, ["value"] = value },
    };

    private static JsonArray Chain(List<string> ids)
    {
        var connections = new JsonArray();
        for (var i = 1; i < ids.Count; i++)
        {
            connections.Add(new JsonObject
            {
                ["source"] = new JsonObject { ["activity"] = ids[i - 1], ["port"] = "Done" },
                ["target"] = new JsonObject { ["activity"] = ids[i], ["port"] = "In" },
            });
        }

        return connections;
    }

    private static string Document(string definitionId, string name, JsonArray activities, JsonArray connections) => new JsonObject
    {
        ["id"] = definitionId + "-v1",
        ["definitionId"] = definitionId,
        ["name"] = name,
        ["version"] = 1,
        ["isLatest"] = true,
        ["isPublished"] = true,
        ["variables"] = new JsonArray
        {
            new JsonObject { ["id"] = "var-" + CounterVariable, ["name"] = CounterVariable, ["typeName"] = "Int32", ["value"] = "0" },
        },
        ["root"] = new JsonObject
        {
            ["type"] = "Elsa.Flowchart",
            ["id"] = "flow",
            ["activities"] = activities,
            ["connections"] = connections,
        },
    }.ToJsonString();
}

/// <summary>
/// The C# counter step: reads the counter variable and writes it back plus one, as WorkflowCore's
/// <c>IncrementCounter</c> step body does with its workflow data.
/// </summary>
public sealed class IncrementCounter : Activity
{
    public const string TypeName = "ChangeFlow.Benchmarks.IncrementCounter";

    public override ActivityDescriptor Descriptor { get; } = new(
        TypeName, "Benchmarks", "Increment counter", "Adds one to the Counter variable.", ActivityKind.Action, [], [], ActivityDescriptor.Done);

    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var current = context.GetVariable(BenchmarkWorkflows.CounterVariable)?.GetValue<int>() ?? 0;
        context.SetVariable(BenchmarkWorkflows.CounterVariable, JsonValue.Create(current + 1));
        context.Complete();
        return default;
    }
}
