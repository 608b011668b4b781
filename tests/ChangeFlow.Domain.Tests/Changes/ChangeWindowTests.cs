using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Tests.Support;

namespace ChangeFlow.Domain.Tests.Changes;

public sealed class ChangeWindowTests
{
    [Fact]
    public void ToLocalString_ShowsWatTimes_WhenZoneIsAfricaLagos()
    {
        var window = ChangeWindow.Create(
            new DateTimeOffset(2026, 5, 23, 21, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 5, 24, 5, 0, 0, TimeSpan.Zero),
            "Africa/Lagos").Value;

        Assert.Equal("Sat 2026-05-23 22:00 → Sun 2026-05-24 06:00 Africa/Lagos (UTC+01:00)", window.ToLocalString());
        Assert.Equal(new DateTimeOffset(2026, 5, 23, 22, 0, 0, TimeSpan.FromHours(1)), window.LocalStart);
        Assert.Equal(TimeSpan.FromHours(1), window.LocalStart.Offset);
        Assert.Equal(new DateTime(2026, 5, 24, 6, 0, 0), window.LocalEnd.DateTime);
    }

    [Fact]
    public void FromLocal_ConvertsWallClockToUtc_WhenZoneIsAfricaLagos()
    {
        var window = ChangeWindow.FromLocal(new DateTime(2026, 5, 23, 22, 0, 0), new DateTime(2026, 5, 24, 6, 0, 0), "Africa/Lagos").Value;

        Assert.Equal(new DateTimeOffset(2026, 5, 23, 21, 0, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(new DateTimeOffset(2026, 5, 24, 5, 0, 0, TimeSpan.Zero), window.End);
        Assert.Equal(TimeSpan.FromHours(8), window.Duration);
    }

    [Fact]
    public void ToLocalString_ShowsBothOffsets_WhenDaylightSavingStartsInsideTheWindow()
    {
        var window = ChangeWindow.FromLocal(new DateTime(2026, 3, 29, 0, 30, 0), new DateTime(2026, 3, 29, 3, 30, 0), "Europe/London").Value;

        Assert.Equal("Sun 2026-03-29 00:30 (UTC+00:00) → Sun 2026-03-29 03:30 (UTC+01:00) Europe/London", window.ToLocalString());
        Assert.Equal(TimeSpan.FromHours(2), window.Duration);
    }

    [Fact]
    public void Start_IsStoredInUtc_WhenGivenWithAnOffset()
    {
        var window = new ChangeWindow(Wat.At(5, 23, 22), Wat.At(5, 24, 6), "Africa/Lagos")
        {
            Start = new DateTimeOffset(2026, 5, 23, 23, 0, 0, TimeSpan.FromHours(1)),
        };

        Assert.Equal(TimeSpan.Zero, window.Start.Offset);
        Assert.Equal(new DateTimeOffset(2026, 5, 23, 22, 0, 0, TimeSpan.Zero), window.Start);
    }

    [Fact]
    public void Create_RejectsTheWindow_WhenItEndsBeforeItStarts()
    {
        var created = ChangeWindow.Create(Wat.At(5, 24, 6), Wat.At(5, 23, 22), "Africa/Lagos");

        var error = Assert.Single(created.Errors);
        Assert.Equal(("end", ErrorCodes.OutOfRange), (error.Path, error.Code));
    }

    [Fact]
    public void Create_RejectsTheWindow_WhenItIsEmpty() =>
        Assert.Equal("end", Assert.Single(ChangeWindow.Create(Wat.At(5, 23, 22), Wat.At(5, 23, 22), "Africa/Lagos").Errors).Path);

    [Theory]
    [InlineData("Mars/Olympus_Mons", ErrorCodes.Unknown)]
    [InlineData("W. Central Africa Standard Time", ErrorCodes.Unknown)]
    [InlineData("", ErrorCodes.Required)]
    public void Create_RejectsTheZone_WhenItIsNotAnIanaId(string zone, string code)
    {
        var error = Assert.Single(ChangeWindow.Create(Wat.At(5, 23, 22), Wat.At(5, 24, 6), zone).Errors);

        Assert.Equal(("timeZoneId", code), (error.Path, error.Code));
    }

    [Fact]
    public void Validate_ReportsEveryProblemUnderThePath_WhenEndAndZoneAreWrong()
    {
        var window = new ChangeWindow(Wat.At(5, 24, 6), Wat.At(5, 23, 22), "Nowhere/Land");

        Assert.Equal(["window.end", "window.timeZoneId"], window.Validate("window").Select(error => error.Path));
        Assert.False(window.IsValid);
    }

    [Fact]
    public void Contains_IsHalfOpen_WhenInstantIsAtEitherEnd()
    {
        var window = new ChangeWindow(Wat.At(5, 23, 22), Wat.At(5, 24, 6), "Africa/Lagos");

        Assert.True(window.Contains(Wat.At(5, 23, 22)));
        Assert.True(window.Contains(Wat.At(5, 24, 5, 59)));
        Assert.False(window.Contains(Wat.At(5, 24, 6)));
    }

    [Fact]
    public void Overlaps_IsFalse_WhenWindowsOnlyTouch()
    {
        var night = new ChangeWindow(Wat.At(5, 23, 22), Wat.At(5, 24, 6), "Africa/Lagos");
        var morning = new ChangeWindow(Wat.At(5, 24, 6), Wat.At(5, 24, 8), "Africa/Lagos");

        Assert.False(night.Overlaps(morning));
        Assert.False(morning.Overlaps(night));
        Assert.True(night.Overlaps(morning with { Start = Wat.At(5, 24, 5, 59) }));
    }

    [Fact]
    public void Overlaps_IsFalse_WhenEitherWindowIsInverted()
    {
        var valid = new ChangeWindow(Wat.At(5, 23, 0), Wat.At(5, 25, 0), "Africa/Lagos");
        var inverted = new ChangeWindow(Wat.At(5, 24, 6), Wat.At(5, 23, 22), "Africa/Lagos");

        Assert.False(valid.Overlaps(inverted));
        Assert.False(inverted.Overlaps(valid));
    }

    [Fact]
    public void Interval_Throws_WhenWindowIsInvalid() =>
        Assert.Throws<InvalidOperationException>(() => new ChangeWindow(Wat.At(5, 24, 6), Wat.At(5, 23, 22), "Africa/Lagos").Interval);
}
