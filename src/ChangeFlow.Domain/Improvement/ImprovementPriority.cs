namespace ChangeFlow.Domain.Improvement;

/// <summary>How soon an improvement should be made; "before the next major change" is High.</summary>
public enum ImprovementPriority
{
    /// <summary>When there is time.</summary>
    Low = 1,

    /// <summary>This quarter.</summary>
    Medium = 2,

    /// <summary>Before the next change of the same kind.</summary>
    High = 3,
}
