namespace ChangeFlow.Domain.Risk;

/// <summary>The band a risk score falls in; ordered so the highest row of a register is its <see cref="Enum"/> maximum.</summary>
public enum RiskLevel
{
    /// <summary>Accept or handle routinely (🟢 in the seed).</summary>
    Low = 1,

    /// <summary>Mitigate and watch (🟡).</summary>
    Medium = 2,

    /// <summary>Mitigate before going ahead; drives extra approval (🔴).</summary>
    High = 3,
}
