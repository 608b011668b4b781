using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Evaluates a Boolean condition to choose the True or the False path.</summary>
public sealed class FlowDecision : Activity
{
    /// <summary>The condition.</summary>
    public static readonly InputDescriptor Condition = Inputs.Of(DataType.Boolean, "condition", "Condition", "The condition that picks the True or the False path.", required: true);

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.FlowDecision", "Flow", "Decision", "Evaluate a Boolean condition to determine which path to follow next.", ActivityKind.Flow, [Condition], [], ["True", "False"]);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var value = context.Evaluate(Condition);
        context.Complete(ValueConverter.TryGetBoolean(value, out var result) && result ? "True" : "False");
        return default;
    }
}
