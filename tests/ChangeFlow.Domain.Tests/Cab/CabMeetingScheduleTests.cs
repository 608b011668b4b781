using ChangeFlow.Domain.Cab;

namespace ChangeFlow.Domain.Tests.Cab;

public sealed class CabMeetingScheduleTests
{
    [Fact]
    public void StartsBetween_ListsEveryWednesdayAt10Wat_WhenNothingIsCancelled()
    {
        var schedule = new CabMeetingSchedule(DayOfWeek.Wednesday, new TimeOnly(10, 0), "Africa/Lagos", TimeSpan.FromHours(1));

        var starts = schedule.StartsBetween(
            new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(
            [6, 13, 20, 27],
            starts.Select(start => start.Day));
        Assert.All(starts, start => Assert.Equal(new TimeSpan(9, 0, 0), start.UtcDateTime.TimeOfDay));
    }

    [Fact]
    public void StartsBetween_FollowsDaylightSaving_WhenZoneHasIt()
    {
        var schedule = new CabMeetingSchedule(DayOfWeek.Wednesday, new TimeOnly(10, 0), "Europe/London", TimeSpan.FromHours(1));

        var starts = schedule.StartsBetween(
            new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 4, 2, 0, 0, 0, TimeSpan.Zero)).ToArray();

        Assert.Equal(
            [new DateTimeOffset(2026, 3, 25, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 4, 1, 9, 0, 0, TimeSpan.Zero)],
            starts);
    }

    [Fact]
    public void StartsBetween_ExcludesAMeeting_WhenItStartsAtTheEndOfTheRange()
    {
        var schedule = new CabMeetingSchedule(DayOfWeek.Wednesday, new TimeOnly(10, 0), "Africa/Lagos", TimeSpan.FromHours(1));
        var meeting = new DateTimeOffset(2026, 5, 13, 9, 0, 0, TimeSpan.Zero);

        Assert.Empty(schedule.StartsBetween(meeting.AddDays(-6), meeting));
        Assert.Equal([meeting], schedule.StartsBetween(meeting, meeting.AddTicks(1)));
    }

    [Fact]
    public void Validate_ReportsZoneAndDuration_WhenBothAreWrong()
    {
        var schedule = new CabMeetingSchedule(DayOfWeek.Wednesday, new TimeOnly(10, 0), "Lagos", TimeSpan.Zero);

        Assert.Equal(["schedule.timeZoneId", "schedule.duration"], schedule.Validate("schedule").Select(error => error.Path));
    }
}
