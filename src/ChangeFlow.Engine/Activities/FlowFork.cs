using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Starts several branches at once; they run interleaved in the order of their connections.</summary>
public sealed class FlowFork : Activity
{
    /// <summary>The branch names (outcome ports).</summary>
    public static readonly InputDescriptor Branches = Inputs.Of(DataType.StringList, "branches", "Branches", "The names of the branches to start; each is an outcome port.", required: true);

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.FlowFork", "Flow", "Fork", "Split the flow into parallel branches that all start at once.", ActivityKind.Flow, [Branches], [], [], DynamicOutcomes: true);

    /// <inheritdoc />
    public override IReadOnlyList<string>? GetOutcomes(ActivityNode node) =>
        node.Inputs.TryGetValue(Branches.Name, out var binding) && binding.Constant is not null
        && Expressions.ValueConverter.TryGetStringList(binding.Constant, out var branches)
            ? branches
            : null;

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete(context.GetStringList(Branches));
        return default;
    }
}
