namespace ChangeFlow.Domain.Changes;

/// <summary>
/// How an implemented change ended. Set when the change leaves Implement and may be revised when it leaves Review,
/// because the post-implementation review can find deviations nobody reported that night.
/// </summary>
public enum ChangeOutcome
{
    /// <summary>Completed as planned.</summary>
    Successful = 1,

    /// <summary>Completed, but steps were waived or changed; the deviations go to the review.</summary>
    SuccessfulWithDeviations = 2,

    /// <summary>The rollback procedure was run and the previous state restored.</summary>
    RolledBack = 3,

    /// <summary>Neither completed nor cleanly rolled back; expect an incident or a problem record.</summary>
    Failed = 4,
}
