using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Loading;

namespace ChangeFlow.Engine.Activities;

/// <summary>
/// The base of every activity type. Implementations are stateless singletons shared by all instances: per-instance
/// data lives in the <see cref="ActivityExecutionContext"/>. To add a type, write one class and register it with
/// <see cref="ActivityRegistry.Add{TActivity}"/>.
/// </summary>
public abstract class Activity
{
    /// <summary>The activity's type name, inputs, outputs and outcomes, as data.</summary>
    public abstract ActivityDescriptor Descriptor { get; }

    /// <summary>Runs the activity when an inbound connection is followed.</summary>
    public abstract ValueTask ExecuteAsync(ActivityExecutionContext context);

    /// <summary>Continues the activity when one of its bookmarks is resumed; completes with <c>Done</c> by default.</summary>
    public virtual ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        context.Complete();
        return default;
    }

    /// <summary>
    /// Reads structured configuration that is not a plain expression input (switch cases, SetVariable's variable),
    /// reporting problems with their JSON path. Returns the settings object stored on the node.
    /// </summary>
    public virtual object? ReadSettings(ActivityReadContext context) => null;

    /// <summary>The outcome ports a configured node can complete with, when they depend on its settings or inputs.</summary>
    public virtual IReadOnlyList<string>? GetOutcomes(Model.ActivityNode node) => node.Descriptor.DynamicOutcomes ? null : node.Descriptor.Outcomes;
}
