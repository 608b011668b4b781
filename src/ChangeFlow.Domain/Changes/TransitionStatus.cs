namespace ChangeFlow.Domain.Changes;

/// <summary>How a requested state change ended. Only <see cref="Applied"/> changes anything.</summary>
public enum TransitionStatus
{
    /// <summary>The change moved; the history has a new entry.</summary>
    Applied = 1,

    /// <summary>The change is not in the state the caller expected (someone else moved it first): HTTP 409.</summary>
    Conflict = 2,

    /// <summary>The change's type does not allow this move from its current state.</summary>
    NotAllowed = 3,

    /// <summary>The move is allowed but its conditions are not met (dossier incomplete, outcome missing, clock going backwards).</summary>
    Invalid = 4,
}
