namespace ChangeFlow.Domain.Risk;

/// <summary>
/// One row of a change's risk register: what could go wrong, how likely, how bad, and what is done about it.
/// The score is not stored: it is computed by a <see cref="RiskScale"/> so that changing the scale re-rates every change.
/// </summary>
/// <param name="Risk">What could go wrong.</param>
/// <param name="Probability">How likely it is.</param>
/// <param name="Impact">How bad it would be.</param>
/// <param name="Mitigation">What reduces probability or impact; may be blank only for a Low risk that is accepted.</param>
public sealed record RiskEntry(string Risk, RiskProbability Probability, RiskImpact Impact, string? Mitigation);
