using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Tests.Support;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Tests.Time;

public sealed class BusinessCalendarTests
{
    /// <summary>Mon–Fri 08:00–17:00 WAT, Workers' Day (Friday 2026-05-01) and New Year's Day every year off.</summary>
    internal static BusinessCalendar Office(IReadOnlyList<WorkingHours>? friday = null) => BusinessCalendar.Create(
        "wat-office",
        "Head office",
        "Africa/Lagos",
        new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>>
        {
            [DayOfWeek.Monday] = [Hours(8, 17)],
            [DayOfWeek.Tuesday] = [Hours(8, 17)],
            [DayOfWeek.Wednesday] = [Hours(8, 17)],
            [DayOfWeek.Thursday] = [Hours(8, 17)],
            [DayOfWeek.Friday] = friday ?? [Hours(8, 17)],
        },
        [new Holiday(new DateOnly(2026, 5, 1), "Workers' Day"), new Holiday(new DateOnly(2000, 1, 1), "New Year's Day", EveryYear: true)]).Value;

    private static WorkingHours Hours(int from, int to) => new(new TimeOnly(from, 0), to == 24 ? null : new TimeOnly(to, 0));

    [Fact]
    public void Add_SkipsTheHolidayAndTheWeekend_WhenTheTargetRunsPastThursdayEvening()
    {
        var calendar = Office();

        // Thursday 2026-04-30 15:00 + 4 business hours: 2 h on Thursday, Friday is Workers' Day, then the weekend.
        var due = calendar.Add(Wat.At(4, 30, 15), TimeSpan.FromHours(4));

        Assert.Equal(Wat.At(5, 4, 10), due);
        Assert.Equal(TimeSpan.FromHours(4), calendar.BusinessTimeBetween(Wat.At(4, 30, 15), due));
    }

    [Fact]
    public void Add_EndsAtClosingTime_WhenTheTargetUsesUpTheDayExactly()
    {
        var calendar = Office();

        Assert.Equal(Wat.At(5, 5, 17), calendar.Add(Wat.At(5, 5, 8), TimeSpan.FromHours(9)));
        Assert.Equal(Wat.At(5, 6, 9), calendar.Add(Wat.At(5, 5, 8), TimeSpan.FromHours(10)));
    }

    [Fact]
    public void Add_StartsCountingAtOpening_WhenStartedOutsideHours()
    {
        var calendar = Office();

        Assert.Equal(Wat.At(5, 4, 9), calendar.Add(Wat.At(5, 2, 23), TimeSpan.FromHours(1)));
        Assert.Equal(Wat.At(5, 2, 23), calendar.Add(Wat.At(5, 2, 23), TimeSpan.Zero));
    }

    [Fact]
    public void BusinessTimeBetween_CountsOnlyWorkingHours_AcrossLunchBreaksAndDaysOff()
    {
        var calendar = BusinessCalendar.Create(
            "split", "Split day", "Africa/Lagos",
            new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>> { [DayOfWeek.Monday] = [Hours(8, 12), Hours(13, 17)] },
            []).Value;

        Assert.Equal(TimeSpan.FromHours(8), calendar.BusinessDayLength);
        Assert.Equal(TimeSpan.FromHours(3), calendar.BusinessTimeBetween(Wat.At(5, 4, 10), Wat.At(5, 4, 14)));
        Assert.Equal(Wat.At(5, 4, 14), calendar.Add(Wat.At(5, 4, 10), TimeSpan.FromHours(3)));
        Assert.Equal(Wat.At(5, 11, 9), calendar.Add(Wat.At(5, 4, 16), TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.Zero, calendar.BusinessTimeBetween(Wat.At(5, 4, 14), Wat.At(5, 4, 10)));
    }

    [Fact]
    public void IsBusinessDay_IsFalse_OnHolidaysOnWeekendsAndOnRecurringHolidaysOfLaterYears()
    {
        var calendar = Office();

        Assert.False(calendar.IsBusinessDay(new DateOnly(2026, 5, 1)));
        Assert.False(calendar.IsBusinessDay(new DateOnly(2026, 5, 2)));
        Assert.False(calendar.IsBusinessDay(new DateOnly(2027, 1, 1)));
        Assert.True(calendar.IsBusinessDay(new DateOnly(2026, 5, 4)));
        Assert.True(calendar.IsWorkingTime(Wat.At(5, 4, 8)));
        Assert.False(calendar.IsWorkingTime(Wat.At(5, 4, 17)));
    }

    [Fact]
    public void EndOfNextBusinessDay_IsTuesdayEvening_ForMondayAndMondayEvening_ForThursdayBeforeTheHoliday()
    {
        var calendar = Office();

        Assert.Equal(Wat.At(5, 5, 17), calendar.EndOfNextBusinessDay(Wat.At(5, 4, 10)));
        Assert.Equal(Wat.At(5, 4, 17), calendar.EndOfNextBusinessDay(Wat.At(4, 30, 10)));
    }

    [Fact]
    public void AlwaysOpen_CountsWallClockTime()
    {
        var start = Wat.At(5, 2, 23);

        Assert.Equal(start.AddHours(4), BusinessCalendar.AlwaysOpen.Add(start, TimeSpan.FromHours(4)));
        Assert.Equal(TimeSpan.FromHours(49), BusinessCalendar.AlwaysOpen.BusinessTimeBetween(start, start.AddHours(49)));
    }

    [Fact]
    public void Create_ReportsEveryProblemWithItsPath()
    {
        var result = BusinessCalendar.Create(
            "bad", " ", "Mars/Olympus",
            new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>> { [DayOfWeek.Monday] = [Hours(12, 17), Hours(9, 13)], [DayOfWeek.Tuesday] = [new(new TimeOnly(17, 0), new TimeOnly(8, 0))] },
            [new Holiday(new DateOnly(2026, 5, 1), "A"), new Holiday(new DateOnly(2026, 5, 1), "B")],
            TimeSpan.FromHours(30));

        Assert.False(result.IsSuccess);
        Assert.Contains(result.Errors, e => e.Path == "name" && e.Code == ErrorCodes.Required);
        Assert.Contains(result.Errors, e => e.Path == "timeZoneId" && e.Code == ErrorCodes.Unknown);
        Assert.Contains(result.Errors, e => e.Path == "week.monday[1].start" && e.Code == ErrorCodes.OutOfOrder);
        Assert.Contains(result.Errors, e => e.Path == "week.tuesday[0].end" && e.Code == ErrorCodes.OutOfOrder);
        Assert.Contains(result.Errors, e => e.Path == "holidays[1].date" && e.Code == ErrorCodes.Duplicate);
        Assert.Contains(result.Errors, e => e.Path == "businessDayLength" && e.Code == ErrorCodes.OutOfRange);
    }

    [Fact]
    public void Create_RefusesAWeekWithoutWorkingHours()
    {
        var result = BusinessCalendar.Create("none", "Never", "Africa/Lagos", new Dictionary<DayOfWeek, IReadOnlyList<WorkingHours>>(), []);

        Assert.Contains(result.Errors, e => e.Path == "week" && e.Code == ErrorCodes.Required);
    }

    [Fact]
    public void Add_IsTheInverseOfBusinessTimeBetween_ForManyStartsAndAmounts()
    {
        var calendar = Office([Hours(8, 13)]);
        for (var hour = 0; hour < 24 * 9; hour += 5)
        {
            var start = Wat.At(4, 27, 0).AddHours(hour).AddMinutes(17);
            foreach (var amount in new[] { 0.5, 1, 4, 9, 13.25, 45 })
            {
                var span = TimeSpan.FromHours(amount);
                var due = calendar.Add(start, span);
                Assert.Equal(span, calendar.BusinessTimeBetween(start, due));
                Assert.True(due == start || calendar.BusinessTimeBetween(start, due.AddTicks(-1)) < span);
            }
        }
    }
}
