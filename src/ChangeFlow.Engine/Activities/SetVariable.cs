using System.Text.Json.Nodes;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Sets a workflow variable to a value, converted to the variable's type.</summary>
public sealed class SetVariable : Activity
{
    /// <summary>The variable to set: <c>{"id", "name", "typeName"}</c>.</summary>
    public static readonly InputDescriptor Variable = new("variable", "Variable", DataType.Object, "The variable to set.", Required: true) { IsExpression = false };

    /// <summary>The value to assign.</summary>
    public static readonly InputDescriptor Value = Inputs.Of(DataType.Object, "value", "Value", "The value to assign.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.SetVariable", "Primitives", "Set Variable", "Assign a value to a workflow variable.", ActivityKind.Action, [Variable, Value], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override object? ReadSettings(ActivityReadContext context)
    {
        var path = context.Path + ".variable";
        var reference = ActivityReadContext.Property(context.Raw, "variable");
        string? key = reference switch
        {
            JsonObject obj => Text(ActivityReadContext.Property(obj, "id")) ?? Text(ActivityReadContext.Property(obj, "name")),
            _ => Text(reference),
        };
        if (string.IsNullOrWhiteSpace(key))
        {
            context.Error(path, "Required input 'variable' of Elsa.SetVariable is missing.");
            return null;
        }

        var variable = context.FindVariable(key);
        if (variable is null && reference is JsonObject named && Text(ActivityReadContext.Property(named, "name")) is { } name)
        {
            variable = context.FindVariable(name);
        }

        if (variable is null)
        {
            context.Error(path, $"'{key}' is not a variable of this workflow.");
        }

        return variable;
    }

    // Ids written as numbers ("id": 5) are read as their text rather than rejected.
    private static string? Text(JsonNode? node) => node is JsonValue value
        ? value.TryGetValue(out string? text) ? text : value.ToJsonString()
        : null;

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var variable = (VariableDefinition)context.Node.Settings!;
        context.SetVariable(variable.Name, context.Evaluate(Value));
        context.Complete();
        return default;
    }
}
