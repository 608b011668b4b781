namespace ChangeFlow.Domain.Problems;

/// <summary>Where a problem is: logged, investigated, a known error (workaround found), resolved (fixed for good), closed.</summary>
public enum ProblemState
{
    /// <summary>Recorded: the cause of one or more incidents is not known yet.</summary>
    Logged = 1,

    /// <summary>Someone is analysing it.</summary>
    UnderInvestigation = 2,

    /// <summary>Analysed: a workaround (or the permanent solution) is identified and documented.</summary>
    KnownError = 3,

    /// <summary>The permanent fix is in place (often through a change).</summary>
    Resolved = 4,

    /// <summary>Done.</summary>
    Closed = 5,
}
