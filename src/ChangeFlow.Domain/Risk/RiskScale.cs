using System.Collections.Frozen;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Risk;

/// <summary>
/// Turns probability and impact into a score (weight × weight) and a level, with weights and thresholds an
/// organisation can set. Configurable because every CAB calibrates differently; the <see cref="Default"/> reproduces
/// the seed's RFC-2026-014 table exactly.
/// </summary>
/// <remarks>
/// <para>Default weights: probability Low 1, Medium 2, High 3; impact Low 1, Medium 2, High 3, Critical 5.
/// Levels: score ≤ 2 Low, 3–4 Medium, ≥ 5 High. Critical weighs 5, not 4, so that even an unlikely critical risk
/// (1 × 5) is High, as the seed rates "DB migration fails mid-run".</para>
/// <para>Every probability and impact must have a positive weight and the thresholds must be increasing; use
/// <see cref="Create"/>, which reports problems as results, for scales read from configuration.</para>
/// </remarks>
public sealed class RiskScale
{
    private readonly FrozenDictionary<RiskProbability, int> _probabilityWeights;
    private readonly FrozenDictionary<RiskImpact, int> _impactWeights;

    private RiskScale(
        FrozenDictionary<RiskProbability, int> probabilityWeights,
        FrozenDictionary<RiskImpact, int> impactWeights,
        int mediumFrom,
        int highFrom)
    {
        _probabilityWeights = probabilityWeights;
        _impactWeights = impactWeights;
        MediumFrom = mediumFrom;
        HighFrom = highFrom;
    }

    /// <summary>The seed's scale; see the remarks on the type.</summary>
    public static RiskScale Default { get; } = Create(
        new Dictionary<RiskProbability, int> { [RiskProbability.Low] = 1, [RiskProbability.Medium] = 2, [RiskProbability.High] = 3 },
        new Dictionary<RiskImpact, int> { [RiskImpact.Low] = 1, [RiskImpact.Medium] = 2, [RiskImpact.High] = 3, [RiskImpact.Critical] = 5 },
        mediumFrom: 3,
        highFrom: 5).Value;

    /// <summary>The lowest score rated Medium.</summary>
    /// <value>The default is 3.</value>
    public int MediumFrom { get; }

    /// <summary>The lowest score rated High.</summary>
    /// <value>The default is 5.</value>
    public int HighFrom { get; }

    /// <summary>The weight of each probability.</summary>
    public IReadOnlyDictionary<RiskProbability, int> ProbabilityWeights => _probabilityWeights;

    /// <summary>The weight of each impact.</summary>
    public IReadOnlyDictionary<RiskImpact, int> ImpactWeights => _impactWeights;

    /// <summary>Creates a scale, or reports every gap: an unweighted value, a weight below 1, thresholds not increasing.</summary>
    public static Result<RiskScale> Create(
        IReadOnlyDictionary<RiskProbability, int> probabilityWeights,
        IReadOnlyDictionary<RiskImpact, int> impactWeights,
        int mediumFrom,
        int highFrom)
    {
        var errors = new ErrorList();
        CheckWeights(errors, "probabilityWeights", probabilityWeights);
        CheckWeights(errors, "impactWeights", impactWeights);
        if (mediumFrom < 2)
        {
            errors.Add("mediumFrom", ErrorCodes.OutOfRange, "The Medium threshold must be at least 2, or nothing could be Low.");
        }

        if (highFrom <= mediumFrom)
        {
            errors.Add("highFrom", ErrorCodes.OutOfRange, $"The High threshold must be above the Medium threshold ({mediumFrom}).");
        }

        return errors.Count > 0
            ? Result.Failure<RiskScale>(errors.ToList())
            : Result.Success(new RiskScale(probabilityWeights.ToFrozenDictionary(), impactWeights.ToFrozenDictionary(), mediumFrom, highFrom));
    }

    /// <summary>Rates a probability and an impact.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is not a member of its enum; validate the dossier first.</exception>
    public RiskRating Rate(RiskProbability probability, RiskImpact impact)
    {
        if (!_probabilityWeights.TryGetValue(probability, out var p))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "Not a risk probability.");
        }

        if (!_impactWeights.TryGetValue(impact, out var i))
        {
            throw new ArgumentOutOfRangeException(nameof(impact), impact, "Not a risk impact.");
        }

        return new RiskRating(p * i, LevelOf(p * i));
    }

    /// <summary>Rates one register row.</summary>
    public RiskRating Rate(RiskEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Rate(entry.Probability, entry.Impact);
    }

    /// <summary>The level a score falls in.</summary>
    public RiskLevel LevelOf(int score) =>
        score >= HighFrom ? RiskLevel.High : score >= MediumFrom ? RiskLevel.Medium : RiskLevel.Low;

    private static void CheckWeights<TEnum>(ErrorList errors, string path, IReadOnlyDictionary<TEnum, int>? weights)
        where TEnum : struct, Enum
    {
        if (weights is null)
        {
            errors.Add(path, ErrorCodes.Required, "Weights are required.");
            return;
        }

        foreach (var value in Enum.GetValues<TEnum>())
        {
            if (!weights.TryGetValue(value, out var weight))
            {
                errors.Add($"{path}.{value}", ErrorCodes.Required, $"{value} has no weight.");
            }
            else if (weight < 1)
            {
                errors.Add($"{path}.{value}", ErrorCodes.OutOfRange, $"The weight of {value} must be at least 1; got {weight}.");
            }
        }

        foreach (var key in weights.Keys.Where(key => !Enum.IsDefined(key)))
        {
            errors.Add($"{path}.{key}", ErrorCodes.Invalid, $"{key} is not a {typeof(TEnum).Name}.");
        }
    }
}
