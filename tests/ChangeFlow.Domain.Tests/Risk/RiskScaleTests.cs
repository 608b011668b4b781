using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Domain.Tests.Risk;

public sealed class RiskScaleTests
{
    /// <summary>The seed's risk table, row by row: probability, impact, the level it states.</summary>
    public static TheoryData<int, RiskProbability, RiskImpact, RiskLevel> SeedRows => new()
    {
        { 0, RiskProbability.Low, RiskImpact.Critical, RiskLevel.High },
        { 1, RiskProbability.Medium, RiskImpact.Medium, RiskLevel.Medium },
        { 2, RiskProbability.Low, RiskImpact.High, RiskLevel.Medium },
        { 3, RiskProbability.Low, RiskImpact.High, RiskLevel.Medium },
        { 4, RiskProbability.Medium, RiskImpact.Low, RiskLevel.Low },
    };

    [Theory]
    [MemberData(nameof(SeedRows))]
    public void Rate_GivesTheSeedLevel_WhenScaleIsDefault(int row, RiskProbability probability, RiskImpact impact, RiskLevel level)
    {
        var entry = DemoData.Rfc2026014().RiskRegister[row];

        Assert.Equal((probability, impact), (entry.Probability, entry.Impact));
        Assert.Equal(level, RiskScale.Default.Rate(entry).Level);
    }

    [Theory]
    [InlineData(RiskProbability.Low, RiskImpact.Low, 1, RiskLevel.Low)]
    [InlineData(RiskProbability.Low, RiskImpact.Medium, 2, RiskLevel.Low)]
    [InlineData(RiskProbability.Medium, RiskImpact.Low, 2, RiskLevel.Low)]
    [InlineData(RiskProbability.Low, RiskImpact.High, 3, RiskLevel.Medium)]
    [InlineData(RiskProbability.High, RiskImpact.Low, 3, RiskLevel.Medium)]
    [InlineData(RiskProbability.Medium, RiskImpact.Medium, 4, RiskLevel.Medium)]
    [InlineData(RiskProbability.Low, RiskImpact.Critical, 5, RiskLevel.High)]
    [InlineData(RiskProbability.Medium, RiskImpact.High, 6, RiskLevel.High)]
    [InlineData(RiskProbability.High, RiskImpact.Critical, 15, RiskLevel.High)]
    public void Rate_MultipliesWeights_WhenScaleIsDefault(RiskProbability probability, RiskImpact impact, int score, RiskLevel level) =>
        Assert.Equal(new RiskRating(score, level), RiskScale.Default.Rate(probability, impact));

    [Fact]
    public void Rate_UsesTheConfiguredThresholds_WhenScaleIsCustom()
    {
        var strict = RiskScale.Create(RiskScale.Default.ProbabilityWeights, RiskScale.Default.ImpactWeights, mediumFrom: 2, highFrom: 4).Value;

        Assert.Equal(RiskLevel.Medium, strict.Rate(RiskProbability.Medium, RiskImpact.Low).Level);
        Assert.Equal(RiskLevel.High, strict.Rate(RiskProbability.Medium, RiskImpact.Medium).Level);
    }

    [Fact]
    public void Create_ReportsEveryGap_WhenWeightsAndThresholdsAreWrong()
    {
        var created = RiskScale.Create(
            new Dictionary<RiskProbability, int> { [RiskProbability.Low] = 1, [RiskProbability.Medium] = 0 },
            RiskScale.Default.ImpactWeights,
            mediumFrom: 4,
            highFrom: 4);

        Assert.False(created.IsSuccess);
        Assert.Equal(
            ["probabilityWeights.Medium", "probabilityWeights.High", "highFrom"],
            created.Errors.Select(error => error.Path));
        Assert.Equal([ErrorCodes.OutOfRange, ErrorCodes.Required, ErrorCodes.OutOfRange], created.Errors.Select(error => error.Code));
    }

    [Fact]
    public void Rate_Throws_WhenProbabilityIsNotAnEnumMember() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RiskScale.Default.Rate((RiskProbability)0, RiskImpact.Low));
}
