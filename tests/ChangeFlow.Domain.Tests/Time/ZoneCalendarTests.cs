using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Tests.Time;

public sealed class ZoneCalendarTests
{
    [Fact]
    public void Find_ResolvesAfricaLagos_WhenGlobalizationIsInvariant()
    {
        var lagos = ZoneCalendar.Find("Africa/Lagos").Value;

        Assert.Equal("Africa/Lagos", lagos.Id);
        Assert.Equal(TimeSpan.FromHours(1), lagos.Zone.GetUtcOffset(new DateTimeOffset(2026, 5, 23, 21, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.FromHours(1), lagos.Zone.GetUtcOffset(new DateTimeOffset(2026, 12, 23, 21, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ToInstant_SubtractsOneHour_WhenZoneIsWat() =>
        Assert.Equal(
            new DateTimeOffset(2026, 5, 24, 3, 0, 0, TimeSpan.Zero),
            ZoneCalendar.ForId("Africa/Lagos").ToInstant(new DateOnly(2026, 5, 24), new TimeOnly(4, 0)));

    [Fact]
    public void ToInstant_MovesForwardByTheGap_WhenLocalTimeIsSkipped() =>
        Assert.Equal(
            new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero),
            ZoneCalendar.ForId("Europe/London").ToInstant(new DateOnly(2026, 3, 29), new TimeOnly(1, 30)));

    [Fact]
    public void ToInstant_TakesTheEarlierInstant_WhenLocalTimeOccursTwice() =>
        Assert.Equal(
            new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero),
            ZoneCalendar.ForId("Europe/London").ToInstant(new DateOnly(2026, 10, 25), new TimeOnly(1, 30)));

    [Fact]
    public void Format_ShowsWallClockAndOffset_WhenZoneIsWat()
    {
        var lagos = ZoneCalendar.ForId("Africa/Lagos");
        var decisionPoint = new DateTimeOffset(2026, 5, 24, 3, 0, 0, TimeSpan.Zero);

        Assert.Equal("Sun 2026-05-24 04:00", lagos.Format(decisionPoint));
        Assert.Equal("UTC+01:00", lagos.FormatOffset(decisionPoint));
        Assert.Equal(new DateOnly(2026, 5, 24), lagos.DateOf(decisionPoint));
    }

    [Fact]
    public void FormatOffset_ShowsTheSign_WhenZoneIsWestOfUtc() =>
        Assert.Equal("UTC-03:00", ZoneCalendar.ForId("America/Sao_Paulo").FormatOffset(new DateTimeOffset(2026, 5, 24, 3, 0, 0, TimeSpan.Zero)));

    [Theory]
    [InlineData("Africa/Nowhere", ErrorCodes.Unknown)]
    [InlineData(null, ErrorCodes.Required)]
    public void Find_ReturnsAnError_WhenIdIsNotAKnownIanaId(string? id, string code)
    {
        var error = Assert.Single(ZoneCalendar.Find(id, "window.timeZoneId").Errors);

        Assert.Equal(("window.timeZoneId", code), (error.Path, error.Code));
    }

    [Fact]
    public void ForId_Throws_WhenIdIsUnknown() =>
        Assert.Throws<ArgumentException>(() => ZoneCalendar.ForId("Africa/Nowhere"));
}
