using System.Text.Json.Nodes;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Loading;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Evaluates labelled conditions in order and follows the matching case (or cases), or <c>Default</c>.</summary>
public sealed class FlowSwitch : Activity
{
    /// <summary>The cases: <c>[{"label", "condition": {"type", "value"}}]</c>.</summary>
    public static readonly InputDescriptor Cases = new("cases", "Cases", DataType.Object, "Labelled conditions; each label is an outcome port.", Required: true) { IsExpression = false };

    /// <summary>Whether the first match or every match is followed.</summary>
    public static readonly InputDescriptor Mode = new("mode", "Mode", DataType.Enum, "MatchFirst follows the first true case; MatchAny follows all of them.", DefaultValue: "MatchFirst", Options: ["MatchFirst", "MatchAny"]);

    private static readonly InputDescriptor CaseCondition = Inputs.Of(DataType.Boolean, "condition", "Condition", "The case's condition.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.FlowSwitch", "Flow", "Switch", "Evaluate labelled conditions and follow the matching case, or Default when none matches.", ActivityKind.Flow, [Cases, Mode], [], ["Default"], DynamicOutcomes: true);

    /// <summary>One compiled case.</summary>
    public sealed record SwitchCase(string Label, InputBinding? Condition);

    /// <inheritdoc />
    public override object? ReadSettings(ActivityReadContext context)
    {
        var cases = new List<SwitchCase>();
        var node = ActivityReadContext.Property(context.Raw, "cases");
        // Some exports wrap the array in an input object.
        if (node is JsonObject wrapper && ActivityReadContext.Property(wrapper, "expression") is JsonObject expression)
        {
            node = ActivityReadContext.Property(expression, "value");
            if (node is JsonValue text && text.TryGetValue(out string? json))
            {
                try
                {
                    node = JsonNode.Parse(json);
                }
                catch (System.Text.Json.JsonException ex)
                {
                    context.Error(context.Path + ".cases.expression.value", $"The switch cases are not valid JSON: {ex.Message.Split(" Path:")[0]}");
                    return new List<SwitchCase>();
                }
            }
        }

        if (node is not JsonArray array)
        {
            if (node is not null)
            {
                context.Error(context.Path + ".cases", "'cases' must be an array of {label, condition}.");
            }

            return cases;
        }

        for (var i = 0; i < array.Count; i++)
        {
            var path = $"{context.Path}.cases[{i}]";
            if (array[i] is not JsonObject item || ActivityReadContext.Property(item, "label") is not JsonValue labelValue || !labelValue.TryGetValue(out string? label) || string.IsNullOrWhiteSpace(label))
            {
                context.Error(path + ".label", "A switch case needs a 'label'.");
                continue;
            }

            var condition = ActivityReadContext.Property(item, "condition");
            var wrapped = condition is JsonObject c && c.ContainsKey("type") && !c.ContainsKey("expression")
                ? new JsonObject { ["expression"] = c.DeepClone() }
                : condition;
            cases.Add(new SwitchCase(label, context.Compile(wrapped, CaseCondition, path + ".condition")));
        }

        return cases;
    }

    /// <inheritdoc />
    public override IReadOnlyList<string>? GetOutcomes(ActivityNode node)
    {
        var labels = ((List<SwitchCase>?)node.Settings ?? []).Select(c => c.Label).ToList();
        if (!labels.Contains("Default", StringComparer.OrdinalIgnoreCase))
        {
            labels.Add("Default");
        }

        return labels;
    }

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var cases = (List<SwitchCase>?)context.Node.Settings ?? [];
        var matchAny = string.Equals(context.GetString(Mode), "MatchAny", StringComparison.OrdinalIgnoreCase);
        var matched = new List<string>();
        foreach (var @case in cases)
        {
            if (@case.Condition is not null && ValueConverter.TryGetBoolean(context.Evaluate(@case.Condition), out var hit) && hit)
            {
                matched.Add(@case.Label);
                if (!matchAny)
                {
                    break;
                }
            }
        }

        context.Complete(matched.Count > 0 ? matched : ["Default"]);
        return default;
    }
}
