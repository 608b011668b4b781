using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Tests.Support;
using ChangeFlow.Domain.Tests.Time;

namespace ChangeFlow.Domain.Tests.Incidents;

public sealed class SlaClockTests
{
    private static readonly ChangeFlow.Domain.Time.BusinessCalendar Office = BusinessCalendarTests.Office();

    [Fact]
    public void DueAt_CountsBusinessHours_AcrossTheHolidayAndTheWeekend()
    {
        var clock = SlaClock.Start(SlaClockKind.Resolution, Wat.At(4, 30, 15), SlaTarget.Within(TimeSpan.FromHours(4)), Priority.P2, Office);

        Assert.Equal(Wat.At(4, 30, 17), clock.DueAt(0.5, Office));
        Assert.Equal(Wat.At(5, 4, 9), clock.DueAt(0.75, Office));
        Assert.Equal(Wat.At(5, 4, 10), clock.DueAt(1, Office));
    }

    [Fact]
    public void Pause_KeepsTheTimeUsed_AndResumeMovesTheDueTimeByThePause()
    {
        var clock = SlaClock.Start(SlaClockKind.Resolution, Wat.At(5, 4, 9), SlaTarget.Within(TimeSpan.FromHours(4)), Priority.P2, Office);
        Assert.Equal(Wat.At(5, 4, 13), clock.DueAt(1, Office));

        var paused = clock.Pause(Wat.At(5, 4, 10), Office);
        Assert.Null(paused.DueAt(1, Office));
        Assert.Equal(SlaClockStatus.Paused, paused.Status);
        Assert.Equal(TimeSpan.FromHours(1), paused.Used(Wat.At(5, 5, 12), Office));

        var resumed = paused.Resume(Wat.At(5, 4, 15, 30));
        Assert.Equal(Wat.At(5, 5, 9, 30), resumed.DueAt(1, Office));
        Assert.Equal(TimeSpan.FromHours(2.5), resumed.Remaining(Wat.At(5, 4, 16), Office));
    }

    [Fact]
    public void Retarget_KeepsTheTimeUsedAndTheMarks_AndRecomputesTheBudgetFromTheStart()
    {
        var start = Wat.At(5, 4, 9);
        var clock = SlaClock.Start(SlaClockKind.Resolution, start, SlaTarget.BusinessDays(1), Priority.P3, Office)
            .Mark(0.5, Wat.At(5, 4, 13, 30));
        Assert.Equal(TimeSpan.FromHours(9), clock.Budget);

        var urgent = clock.Retarget(SlaTarget.Within(TimeSpan.FromHours(4)), Priority.P2, Office, Wat.At(5, 4, 14));

        Assert.Equal(TimeSpan.FromHours(4), urgent.Budget);
        Assert.True(urgent.HasReached(0.5));
        Assert.Equal(TimeSpan.FromHours(5), urgent.Used(Wat.At(5, 4, 14), Office));
        Assert.True(urgent.IsDue(1, Wat.At(5, 4, 14), Office));
        Assert.Equal(Priority.P2, urgent.Priority);
    }

    [Fact]
    public void Start_WithARoundTheClockTarget_CountsTheWeekend()
    {
        var clock = SlaClock.Start(SlaClockKind.Resolution, Wat.At(5, 2, 22), SlaTarget.Within(TimeSpan.FromHours(4), SlaHours.Always, "4h RTO"), Priority.P1, Office);

        Assert.Equal(Wat.At(5, 3, 2), clock.DueAt(1, Office));
        Assert.Equal("4h RTO", clock.Target.Describe());
    }

    [Fact]
    public void NextBusinessDay_AllowsUntilCloseOfBusinessOfTheNextBusinessDay()
    {
        var clock = SlaClock.Start(SlaClockKind.Response, Wat.At(4, 30, 16), SlaTarget.NextBusinessDay(), Priority.P4, Office);

        Assert.Equal(TimeSpan.FromHours(10), clock.Budget);
        Assert.Equal(Wat.At(5, 4, 17), clock.DueAt(1, Office));
        Assert.Equal("next business day", clock.Target.Describe());
    }

    [Fact]
    public void Stop_FreezesTheClock_AndMarkIsRecordedOnce()
    {
        var clock = SlaClock.Start(SlaClockKind.Response, Wat.At(5, 4, 9), SlaTarget.Within(TimeSpan.FromHours(2)), Priority.P2, Office);
        var marked = clock.Mark(0.5, Wat.At(5, 4, 10)).Mark(0.5, Wat.At(5, 4, 11));
        var stopped = marked.Stop(Wat.At(5, 4, 10, 30), Office);

        Assert.Single(marked.Marks);
        Assert.Equal(Wat.At(5, 4, 10), marked.MarkOf(0.5)!.At);
        Assert.Equal(SlaClockStatus.Stopped, stopped.Status);
        Assert.Null(stopped.DueAt(1, Office));
        Assert.Equal(TimeSpan.FromHours(1.5), stopped.Used(Wat.At(5, 6, 10), Office));
        Assert.Equal(SlaClockStatus.Stopped, stopped.Resume(Wat.At(5, 6, 10)).Status);
    }

    [Theory]
    [InlineData(SlaTargetKind.Within, "within")]
    [InlineData(SlaTargetKind.BusinessDays, "businessDays")]
    public void Validate_RefusesEmptyTargets(SlaTargetKind kind, string path)
    {
        var target = new SlaTarget(kind, TimeSpan.Zero, 0);

        Assert.Contains(target.Validate(), e => e.Path == path);
        Assert.Contains((SlaTarget.BusinessDays(2) with { Hours = SlaHours.Always }).Validate(), e => e.Path == "hours");
    }
}
