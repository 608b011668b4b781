using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>
/// Merges branches. The engine applies <see cref="Mode"/> before the join runs: WaitAny (Elsa's default) runs on the
/// first branch and cancels the others, WaitAll needs every branch, WaitAllActive waits for every branch that can still come.
/// </summary>
public sealed class FlowJoin : Activity
{
    /// <summary>The join rule.</summary>
    public static readonly InputDescriptor Mode = new(
        "mode", "Mode", DataType.Enum, "WaitAny, WaitAll or WaitAllActive.", DefaultValue: "WaitAny", Options: ["WaitAny", "WaitAll", "WaitAllActive"]) { LiteralOnly = true };

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.FlowJoin", "Flow", "Join", "Merge parallel branches: wait for any, all, or all that can still arrive.", ActivityKind.Flow, [Mode], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete();
        return default;
    }
}
