namespace ChangeFlow.Domain.Changes;

/// <summary>
/// Where a change is in its life, after ServiceNow's normal change model. Which moves are allowed depends on the
/// <see cref="ChangeType"/>; see <see cref="ChangeLifecycle"/>.
/// </summary>
public enum ChangeState
{
    /// <summary>The RFC is being written; the dossier may still be incomplete.</summary>
    New = 1,

    /// <summary>Technical and risk assessment by the change manager and peers.</summary>
    Assess = 2,

    /// <summary>Waiting for the change authority (CAB, or the emergency authority).</summary>
    Authorize = 3,

    /// <summary>Authorized (or pre-authorized) and waiting for its window.</summary>
    Scheduled = 4,

    /// <summary>Being carried out in its window.</summary>
    Implement = 5,

    /// <summary>Done; the post-implementation review checks the outcome.</summary>
    Review = 6,

    /// <summary>Finished; terminal.</summary>
    Closed = 7,

    /// <summary>Not authorized; terminal. The number stays used.</summary>
    Rejected = 8,

    /// <summary>Withdrawn before implementation; terminal. The number stays used.</summary>
    Canceled = 9,
}
