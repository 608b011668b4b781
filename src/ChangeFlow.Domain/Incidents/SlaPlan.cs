using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Incidents;

/// <summary>The targets that apply to an incident now: its service's targets at its (effective) priority, and the service's calendar.</summary>
/// <param name="Priority">The priority the targets are for.</param>
/// <param name="Response">The response target.</param>
/// <param name="Resolution">The resolution target.</param>
/// <param name="Calendar">The service's business calendar.</param>
public sealed record SlaPlan(Priority Priority, SlaTarget Response, SlaTarget Resolution, BusinessCalendar Calendar)
{
    /// <summary>The target of a clock.</summary>
    public SlaTarget TargetOf(SlaClockKind kind) => kind == SlaClockKind.Response ? Response : Resolution;
}
