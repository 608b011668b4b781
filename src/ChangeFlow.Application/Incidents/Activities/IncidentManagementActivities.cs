using ChangeFlow.Engine.Activities;

namespace ChangeFlow.Application.Incidents.Activities;

/// <summary>Registers the incident management activities.</summary>
public static class IncidentManagementActivities
{
    /// <summary>Every incident management activity type.</summary>
    public static ActivityRegistry AddIncidentManagement(this ActivityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .Add<TrackIncidentSla>()
            .Add<AwaitIncidentClosure>();
    }
}
