using System.Collections.Frozen;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Expressions;

namespace ChangeFlow.Engine.Model;

/// <summary>How an activity with several inbound connections decides to run.</summary>
public enum JoinMode
{
    /// <summary>Wait until every inbound path was followed or proven dead; run if at least one was followed.</summary>
    WaitAllActive,
    /// <summary>Run only if every inbound path was followed.</summary>
    WaitAll,
    /// <summary>Run on the first inbound path followed and cancel the other pending branches.</summary>
    WaitAny,
}

/// <summary>An input of one activity in a loaded definition, with its expression compiled.</summary>
public sealed class InputBinding
{
    internal InputBinding(InputDescriptor descriptor, Expression expression, string path)
    {
        Descriptor = descriptor;
        Expression = expression;
        Path = path;
    }

    /// <summary>The input this binds.</summary>
    public InputDescriptor Descriptor { get; }

    /// <summary>The expression as written.</summary>
    public Expression Expression { get; }

    /// <summary>The JSON path of the input in the definition (for incidents).</summary>
    public string Path { get; }

    /// <summary>For literals and JSON: the value, already converted to the input's type.</summary>
    public JsonNode? Constant { get; internal set; }

    internal CompiledScript? Script { get; set; }

    internal CompiledTemplate? Template { get; set; }

    /// <summary>For variable expressions: the referenced variable.</summary>
    public VariableDefinition? Variable { get; internal set; }
}

/// <summary>One activity of a loaded flowchart: its type, compiled inputs, output bindings and connections.</summary>
public sealed class ActivityNode
{
    internal ActivityNode(string id, string type, string? name, Activity activity, string path)
    {
        Id = id;
        Type = type;
        Name = name;
        Activity = activity;
        Path = path;
    }

    /// <summary>The activity id, unique in the workflow.</summary>
    public string Id { get; }

    /// <summary>The activity type name (e.g. <c>Elsa.WriteLine</c>).</summary>
    public string Type { get; }

    /// <summary>The display name given in the definition, if any.</summary>
    public string? Name { get; }

    /// <summary>The JSON path of this activity in its definition.</summary>
    public string Path { get; }

    /// <summary>The activity implementation (stateless, shared).</summary>
    public Activity Activity { get; }

    /// <summary>The activity's descriptor.</summary>
    public ActivityDescriptor Descriptor => Activity.Descriptor;

    /// <summary>The inputs set in the definition, by descriptor name.</summary>
    public FrozenDictionary<string, InputBinding> Inputs { get; internal set; } = FrozenDictionary<string, InputBinding>.Empty;

    /// <summary>Output name → variable bound by <c>memoryReference.id</c>.</summary>
    public FrozenDictionary<string, VariableDefinition> OutputBindings { get; internal set; } = FrozenDictionary<string, VariableDefinition>.Empty;

    /// <summary>Structured configuration the activity read itself (switch cases, the variable of SetVariable, ...).</summary>
    public object? Settings { get; internal set; }

    /// <summary>The join rule applied when several connections lead here.</summary>
    public JoinMode JoinMode { get; internal set; }

    /// <summary>The <c>customProperties</c> object, as written.</summary>
    public JsonObject? CustomProperties { get; internal set; }

    /// <summary>Connections leaving this activity, in definition order.</summary>
    public IReadOnlyList<Connection> Outbound { get; internal set; } = [];

    /// <summary>Connections arriving here, in definition order.</summary>
    public IReadOnlyList<Connection> Inbound { get; internal set; } = [];

    /// <summary>Inbound connections that take part in the join (not loop-closing, not from unreachable activities).</summary>
    public IReadOnlyList<Connection> JoinInbound { get; internal set; } = [];

    /// <summary>The loop-closing connections whose loop body holds this activity.</summary>
    public IReadOnlyList<Connection> EnclosingLoops { get; internal set; } = [];

    /// <summary>Whether the start activity reaches this one.</summary>
    public bool IsReachable { get; internal set; }

    /// <summary>The outcome ports known at load time, or null when they depend on run-time values.</summary>
    public IReadOnlyList<string>? KnownOutcomes { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => $"{Type} '{Id}'";
}
