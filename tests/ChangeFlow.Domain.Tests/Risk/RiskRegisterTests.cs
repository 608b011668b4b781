using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Risk;

namespace ChangeFlow.Domain.Tests.Risk;

public sealed class RiskRegisterTests
{
    [Fact]
    public void OverallLevel_IsHigh_WhenRegisterIsTheSeeds()
    {
        var register = DemoData.Rfc2026014().RiskRegister;

        Assert.Equal(5, register.Count);
        Assert.Equal(RiskLevel.High, register.OverallLevel(RiskScale.Default));
    }

    [Fact]
    public void OverallLevel_IsTheHighestRow_WhenOneRowDominates()
    {
        var register = new RiskRegister(
        [
            new("a", RiskProbability.Low, RiskImpact.Low, null),
            new("b", RiskProbability.Medium, RiskImpact.Medium, "m"),
            new("c", RiskProbability.Low, RiskImpact.Medium, null),
        ]);

        Assert.Equal(RiskLevel.Medium, register.OverallLevel(RiskScale.Default));
    }

    [Fact]
    public void OverallLevel_IsNull_WhenNothingIsAssessed() =>
        Assert.Null(RiskRegister.Empty.OverallLevel(RiskScale.Default));

    [Fact]
    public void Rate_KeepsDossierOrder_WhenRatingEveryRow()
    {
        var rated = DemoData.Rfc2026014().RiskRegister.Rate(RiskScale.Default);

        Assert.Equal([5, 4, 3, 3, 2], rated.Select(row => row.Rating.Score));
    }
}
