namespace ChangeFlow.Domain.Risk;

/// <summary>
/// How bad it is if a risk happens. <see cref="Critical"/> exists because "data left inconsistent" is worse than
/// "High" in a way that must dominate the score (the seed rates Low × Critical as High).
/// </summary>
public enum RiskImpact
{
    /// <summary>A nuisance.</summary>
    Low = 1,

    /// <summary>A degraded service or a workaround for some users.</summary>
    Medium = 2,

    /// <summary>A service down or a key process blocked.</summary>
    High = 3,

    /// <summary>Data loss or corruption, safety, or regulatory exposure.</summary>
    Critical = 4,
}
