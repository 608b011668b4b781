namespace ChangeFlow.Domain.Improvement;

/// <summary>Where an item of the Continual Improvement Register is.</summary>
public enum ImprovementStatus
{
    /// <summary>Logged, not yet triaged.</summary>
    Proposed = 1,

    /// <summary>Accepted into the register's backlog.</summary>
    Accepted = 2,

    /// <summary>Being worked on.</summary>
    InProgress = 3,

    /// <summary>Done and its effect measured.</summary>
    Completed = 4,

    /// <summary>Decided against; kept so the idea is not logged again unknowingly.</summary>
    Rejected = 5,
}
