namespace ChangeFlow.Domain.Incidents;

/// <summary>How quickly the business needs the incident resolved (the columns of the priority matrix).</summary>
public enum Urgency
{
    /// <summary>Work has stopped or is about to.</summary>
    High = 1,

    /// <summary>Work is hampered; a delay hurts soon.</summary>
    Medium = 2,

    /// <summary>Work goes on; resolution can wait.</summary>
    Low = 3,
}
