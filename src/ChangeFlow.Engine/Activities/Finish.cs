using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Engine.Activities;

/// <summary>Completes the whole workflow at once, cancelling every other pending branch, bookmark and timer.</summary>
public sealed class Finish : Activity
{
    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.Finish", "Flow", "Finish", "Finish the whole workflow now, cancelling every branch still waiting.", ActivityKind.Action, [], [], []);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.FinishWorkflow();
        return default;
    }
}
