namespace ChangeFlow.Domain.Cab;

/// <summary>What a CAB member decides about a change.</summary>
public enum VoteDecision
{
    /// <summary>Go ahead.</summary>
    Approve = 1,

    /// <summary>Do not go ahead; needs a comment saying why.</summary>
    Reject = 2,
}
