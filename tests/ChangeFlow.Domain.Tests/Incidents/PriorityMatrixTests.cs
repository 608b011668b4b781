using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Incidents;

namespace ChangeFlow.Domain.Tests.Incidents;

public sealed class PriorityMatrixTests
{
    [Theory]
    [InlineData(Impact.High, Urgency.High, Priority.P1)]
    [InlineData(Impact.High, Urgency.Medium, Priority.P2)]
    [InlineData(Impact.High, Urgency.Low, Priority.P3)]
    [InlineData(Impact.Medium, Urgency.High, Priority.P2)]
    [InlineData(Impact.Medium, Urgency.Medium, Priority.P3)]
    [InlineData(Impact.Medium, Urgency.Low, Priority.P3)]
    [InlineData(Impact.Low, Urgency.High, Priority.P3)]
    [InlineData(Impact.Low, Urgency.Medium, Priority.P3)]
    [InlineData(Impact.Low, Urgency.Low, Priority.P4)]
    [InlineData(Impact.Trivial, Urgency.High, Priority.P4)]
    [InlineData(Impact.Trivial, Urgency.Medium, Priority.P4)]
    [InlineData(Impact.Trivial, Urgency.Low, Priority.P4)]
    public void PriorityOf_IsTheSeedsTable_ForEveryCombination(Impact impact, Urgency urgency, Priority expected) =>
        Assert.Equal(expected, PriorityMatrix.Default.PriorityOf(impact, urgency));

    [Fact]
    public void Cells_ListsAllTwelveCombinations()
    {
        Assert.Equal(12, PriorityMatrix.Default.Cells.Count());
        Assert.Equal(12, PriorityMatrix.Default.Cells.Select(c => (c.Impact, c.Urgency)).Distinct().Count());
    }

    [Fact]
    public void Create_NamesEveryMissingCell()
    {
        var cells = PriorityMatrix.Default.Cells.Where(c => c.Impact != Impact.Low).ToDictionary(c => (c.Impact, c.Urgency), c => c.Priority);
        cells[(Impact.High, Urgency.High)] = (Priority)9;

        var result = PriorityMatrix.Create(cells);

        Assert.Equal(
            ["rows.High.High", "rows.Low.High", "rows.Low.Low", "rows.Low.Medium"],
            result.Errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(result.Errors, e => e.Path == "rows.Low.Medium" && e.Code == ErrorCodes.Required);
        Assert.Contains(result.Errors, e => e.Path == "rows.High.High" && e.Code == ErrorCodes.Invalid);
    }
}
