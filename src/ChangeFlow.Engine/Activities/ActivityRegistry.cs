using System.Collections.Concurrent;
using ChangeFlow.Engine.Descriptors;

namespace ChangeFlow.Engine.Activities;

/// <summary>The activity types a loader knows, by type name. Thread-safe; register at start-up.</summary>
public sealed class ActivityRegistry
{
    private readonly ConcurrentDictionary<string, Activity> _activities = new(StringComparer.Ordinal);

    /// <summary>A registry with every built-in <c>Elsa.*</c> activity.</summary>
    public static ActivityRegistry CreateDefault() => new ActivityRegistry().AddElsaActivities();

    /// <summary>Registers an activity type (one line per type).</summary>
    public ActivityRegistry Add<TActivity>()
        where TActivity : Activity, new() => Add(new TActivity());

    /// <summary>Registers an activity instance (for activities that take constructor arguments).</summary>
    public ActivityRegistry Add(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (!_activities.TryAdd(activity.Descriptor.TypeName, activity))
        {
            throw new InvalidOperationException($"The activity type '{activity.Descriptor.TypeName}' is already registered.");
        }

        return this;
    }

    /// <summary>Finds an activity by type name.</summary>
    public Activity? Find(string typeName) => _activities.GetValueOrDefault(typeName);

    /// <summary>All descriptors, sorted by category then display name (what a designer's toolbox lists).</summary>
    public IReadOnlyList<ActivityDescriptor> Descriptors =>
        [.. _activities.Values.Select(a => a.Descriptor).OrderBy(d => d.Category, StringComparer.Ordinal).ThenBy(d => d.DisplayName, StringComparer.Ordinal)];

    /// <summary>Registers the <c>Elsa.*</c> activities.</summary>
    public ActivityRegistry AddElsaActivities() => this
        .Add<Start>()
        .Add<End>()
        .Add<Finish>()
        .Add<WriteLine>()
        .Add<SetVariable>()
        .Add<SetOutput>()
        .Add<FlowDecision>()
        .Add<FlowSwitch>()
        .Add<FlowFork>()
        .Add<FlowJoin>()
        .Add<Delay>()
        .Add<Timer>()
        .Add<StartAt>()
        .Add<Event>()
        .Add<PublishEvent>()
        .Add<Fault>()
        .Add<SendEmail>();
}
