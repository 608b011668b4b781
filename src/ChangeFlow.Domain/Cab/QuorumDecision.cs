namespace ChangeFlow.Domain.Cab;

/// <summary>Where a vote stands under a <see cref="QuorumPolicy"/>.</summary>
public enum QuorumDecision
{
    /// <summary>Not decided yet; more votes are needed.</summary>
    Pending = 1,

    /// <summary>Approved; the change may be scheduled.</summary>
    Approved = 2,

    /// <summary>Rejected; no outstanding votes could change that.</summary>
    Rejected = 3,
}
