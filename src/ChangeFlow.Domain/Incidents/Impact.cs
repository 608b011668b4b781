namespace ChangeFlow.Domain.Incidents;

/// <summary>How many users or business processes an incident affects (the rows of the priority matrix).</summary>
public enum Impact
{
    /// <summary>Many users, a whole department or a critical business process.</summary>
    High = 1,

    /// <summary>A group of users or a secondary process.</summary>
    Medium = 2,

    /// <summary>One user or a minor function.</summary>
    Low = 3,

    /// <summary>Cosmetic or an edge case.</summary>
    Trivial = 4,
}
