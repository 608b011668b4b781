using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Scheduling;
using ChangeFlow.Domain.Tests.Support;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Tests.Scheduling;

public sealed class BlackoutWindowTests
{
    [Fact]
    public void OverlapsWith_FindsTheOccurrence_WhenItStartedBeforeTheInterval()
    {
        var overnight = BlackoutWindow.Weekly("Backup run", DayOfWeek.Sunday, new TimeOnly(23, 0), TimeSpan.FromHours(3), "Africa/Lagos");

        var overlap = Assert.Single(overnight.OverlapsWith(new TimeInterval(Wat.At(5, 25, 1), Wat.At(5, 25, 5))));

        Assert.Equal(new TimeInterval(Wat.At(5, 25, 1), Wat.At(5, 25, 2)), overlap);
    }

    [Fact]
    public void OverlapsWith_IsEmpty_WhenIntervalIsTheSeedWindow() =>
        Assert.Empty(DemoData.LabOpeningBlackout().OverlapsWith(new TimeInterval(Wat.At(5, 23, 22), Wat.At(5, 24, 6))));

    [Fact]
    public void OverlapsWith_CoversMonday0730To0900Wat_WhenIntervalCoversTheWholeDay()
    {
        var overlap = Assert.Single(DemoData.LabOpeningBlackout().OverlapsWith(new TimeInterval(Wat.At(5, 25, 0), Wat.At(5, 26, 0))));

        Assert.Equal(new DateTimeOffset(2026, 5, 25, 6, 30, 0, TimeSpan.Zero), overlap.Start);
        Assert.Equal(new DateTimeOffset(2026, 5, 25, 8, 0, 0, TimeSpan.Zero), overlap.End);
    }

    [Fact]
    public void Validate_ReportsEveryProblem_WhenWeeklyBlackoutIsMalformed()
    {
        var blackout = BlackoutWindow.Weekly("", (DayOfWeek)9, new TimeOnly(7, 30), TimeSpan.Zero, "Lagos");

        Assert.Equal(["name", "day", "timeZoneId", "duration"], blackout.Validate().Select(error => error.Path));
    }

    [Fact]
    public void Validate_ReturnsNoError_WhenBlackoutIsTheSeeds() =>
        Assert.Empty(DemoData.LabOpeningBlackout().Validate());
}
