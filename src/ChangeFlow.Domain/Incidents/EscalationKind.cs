namespace ChangeFlow.Domain.Incidents;

/// <summary>The two kinds of escalation the seed names.</summary>
public enum EscalationKind
{
    /// <summary>Pass the incident to someone with more technical expertise: the next support tier group.</summary>
    Functional = 1,

    /// <summary>Involve management: notify the team manager, then the head of IT.</summary>
    Hierarchical = 2,
}
