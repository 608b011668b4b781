using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Engine.Activities;

/// <summary>Raises a fault on purpose: an incident with a code and a message.</summary>
public sealed class Fault : Activity
{
    /// <summary>A machine-readable code.</summary>
    public static readonly InputDescriptor Code = Inputs.String("code", "Code", "A code that identifies the fault.");

    /// <summary>What went wrong.</summary>
    public static readonly InputDescriptor Message = Inputs.String("message", "Message", "What went wrong, for people.", required: true);

    /// <summary>A category.</summary>
    public static readonly InputDescriptor Category = Inputs.String("category", "Category", "A category for reports.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.Fault", "Primitives", "Fault", "Fault the workflow with a code and a message.", ActivityKind.Action, [Code, Message, Category], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context) =>
        throw new WorkflowFaultException(context.GetString(Code), context.GetString(Message) ?? "Fault");
}
