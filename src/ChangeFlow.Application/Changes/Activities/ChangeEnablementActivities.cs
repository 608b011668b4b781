using ChangeFlow.Application.Incidents.Activities;
using ChangeFlow.Engine.Activities;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>Registers the <c>ChangeFlow.*</c> activities.</summary>
public static class ChangeEnablementActivities
{
    /// <summary>Every change enablement activity type.</summary>
    public static ActivityRegistry AddChangeEnablement(this ActivityRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .Add<SetChangeState>()
            .Add<RequestApproval>()
            .Add<HumanTask>()
            .Add<ScheduleOnCabAgenda>()
            .Add<DetectConflicts>()
            .Add<AwaitWindow>()
            .Add<AwaitCheckpoints>()
            .Add<RollbackDecisionPoint>()
            .Add<PerformRollback>()
            .Add<SchedulePir>()
            .Add<Notify>()
            .Add<CreateImprovementItems>();
    }

    /// <summary>
    /// A registry with the <c>Elsa.*</c> and every <c>ChangeFlow.*</c> activity (change enablement and incident
    /// management): what hosts and the CLI load workflows with.
    /// </summary>
    public static ActivityRegistry CreateRegistry() => ActivityRegistry.CreateDefault().AddChangeEnablement().AddIncidentManagement();
}
