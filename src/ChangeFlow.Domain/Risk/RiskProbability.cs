namespace ChangeFlow.Domain.Risk;

/// <summary>How likely a risk is to happen. The weight each value counts for is set by the <see cref="RiskScale"/>, not by the enum.</summary>
public enum RiskProbability
{
    /// <summary>Unlikely.</summary>
    Low = 1,

    /// <summary>Could well happen.</summary>
    Medium = 2,

    /// <summary>Expected to happen.</summary>
    High = 3,
}
