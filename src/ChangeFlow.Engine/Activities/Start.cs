using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Engine.Activities;

/// <summary>Marks where the flowchart begins.</summary>
public sealed class Start : Activity
{
    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.Start", "Flow", "Start", "Mark the point where the workflow begins.", ActivityKind.Action, [], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete();
        return default;
    }
}
