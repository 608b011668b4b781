using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Engine.Activities;

/// <summary>Marks the end of a path; the workflow finishes once no other path has work or bookmarks.</summary>
public sealed class End : Activity
{
    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.End", "Flow", "End", "Mark the end of a path; the workflow finishes when no other path is still running.", ActivityKind.Action, [], [], []);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        context.Complete([]);
        return default;
    }
}
