namespace ChangeFlow.Domain.Risk;

/// <summary>The score of one risk (probability weight × impact weight) and the level its <see cref="RiskScale"/> puts it in.</summary>
/// <param name="Score">The product of the two weights.</param>
/// <param name="Level">The band of <paramref name="Score"/>.</param>
public readonly record struct RiskRating(int Score, RiskLevel Level);
