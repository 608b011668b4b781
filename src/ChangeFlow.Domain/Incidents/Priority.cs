namespace ChangeFlow.Domain.Incidents;

/// <summary>An incident's priority, derived from impact and urgency by the <see cref="PriorityMatrix"/>; P1 is the most urgent.</summary>
public enum Priority
{
    /// <summary>Critical: production down, major business impact. Immediate response, all hands.</summary>
    P1 = 1,

    /// <summary>High: significant service degradation. Fast response, escalation ready.</summary>
    P2 = 2,

    /// <summary>Medium: partial impact, workaround available. Normal SLA response.</summary>
    P3 = 3,

    /// <summary>Low: minimal impact, cosmetic or edge case. Can be scheduled.</summary>
    P4 = 4,
}
