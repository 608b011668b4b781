using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Scheduling;
using ChangeFlow.Domain.Tests.Support;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Tests.Scheduling;

public sealed class ScheduleConflictDetectorTests
{
    private static readonly ChangeRequest Seed = DemoData.Rfc2026014();
    private static readonly BlackoutWindow[] NoBlackouts = [];

    [Fact]
    public void FindConflicts_ReturnsNothing_WhenCaseIsTheSeeds() =>
        Assert.Empty(ScheduleConflictDetector.FindConflicts(Seed, [Seed], [DemoData.LabOpeningBlackout()]));

    [Fact]
    public void FindConflicts_ReportsTheOtherChange_WhenWindowsOverlapOnASharedItem()
    {
        var dbPatch = OtherChange(15, Wat.At(5, 24, 5), Wat.At(5, 24, 7), ["lims-db-01", "erp-db-01"]);

        var conflict = Assert.IsType<ScheduleConflict.WithChange>(Assert.Single(ScheduleConflictDetector.FindConflicts(Seed, [dbPatch], NoBlackouts)));

        Assert.Equal("RFC-2026-015", conflict.Other.ToString());
        Assert.Equal(["lims-db-01"], conflict.SharedConfigurationItemIds);
        Assert.Equal(new TimeInterval(Wat.At(5, 24, 5), Wat.At(5, 24, 6)), conflict.Overlap);
    }

    [Fact]
    public void FindConflicts_ReturnsNothing_WhenWindowsOnlyTouch()
    {
        var before = OtherChange(15, Wat.At(5, 23, 18), Wat.At(5, 23, 22), ["lims-db-01"]);
        var after = OtherChange(16, Wat.At(5, 24, 6), Wat.At(5, 24, 8), ["lims-db-01"]);

        Assert.Empty(ScheduleConflictDetector.FindConflicts(Seed, [before, after], NoBlackouts));
    }

    [Fact]
    public void FindConflicts_ReturnsNothing_WhenOverlappingChangeTouchesOtherItems()
    {
        var erp = OtherChange(15, Wat.At(5, 23, 23), Wat.At(5, 24, 3), ["erp-app-01"]);

        Assert.Empty(ScheduleConflictDetector.FindConflicts(Seed, [erp], NoBlackouts));
    }

    [Theory]
    [InlineData(ChangeState.Canceled)]
    [InlineData(ChangeState.Rejected)]
    public void FindConflicts_IgnoresAChange_WhenItWillNotRun(ChangeState state)
    {
        var other = OtherChange(15, Wat.At(5, 23, 23), Wat.At(5, 24, 3), ["lims-db-01"]);
        var stopped = state == ChangeState.Canceled
            ? other.Transition(ChangeState.New, ChangeState.Canceled, Wat.At(5, 10, 9), "change-manager", note: "duplicate").Applied()
            : other.Transition(ChangeState.New, ChangeState.Assess, Wat.At(5, 10, 9), "change-manager").Applied()
                .Transition(ChangeState.Assess, ChangeState.Rejected, Wat.At(5, 11, 9), "change-manager", note: "clashes with RFC-2026-014").Applied();

        Assert.Empty(ScheduleConflictDetector.FindConflicts(Seed, [stopped], NoBlackouts));
    }

    [Fact]
    public void FindConflicts_ReportsTheLabOpening_WhenWindowCrossesMonday0730()
    {
        var overrun = Seed with { Window = new ChangeWindow(Wat.At(5, 24, 22), Wat.At(5, 25, 8), DemoData.TimeZoneId) };

        var conflict = Assert.IsType<ScheduleConflict.WithBlackout>(
            Assert.Single(ScheduleConflictDetector.FindConflicts(overrun, [], [DemoData.LabOpeningBlackout()])));

        Assert.Equal("Monday 07:30 lab opening", conflict.Blackout.Name);
        Assert.Equal(new TimeInterval(Wat.At(5, 25, 7, 30), Wat.At(5, 25, 8)), conflict.Overlap);
    }

    [Fact]
    public void FindConflicts_ReturnsNothing_WhenWindowEndsExactlyAtTheLabOpening()
    {
        var justInTime = Seed with { Window = new ChangeWindow(Wat.At(5, 24, 22), Wat.At(5, 25, 7, 30), DemoData.TimeZoneId) };

        Assert.Empty(ScheduleConflictDetector.FindConflicts(justInTime, [], [DemoData.LabOpeningBlackout()]));
    }

    [Fact]
    public void FindConflicts_ReturnsNothing_WhenWindowStartsExactlyWhenTheBlackoutEnds()
    {
        var afterOpening = Seed with { Window = new ChangeWindow(Wat.At(5, 25, 9), Wat.At(5, 25, 12), DemoData.TimeZoneId) };

        Assert.Empty(ScheduleConflictDetector.FindConflicts(afterOpening, [], [DemoData.LabOpeningBlackout()]));
    }

    [Fact]
    public void FindConflicts_ReportsEveryMonday_WhenWindowSpansTwoWeeks()
    {
        var fortnight = Seed with { Window = new ChangeWindow(Wat.At(5, 23, 22), Wat.At(6, 2, 0), DemoData.TimeZoneId) };

        var overlaps = ScheduleConflictDetector.FindConflicts(fortnight, [], [DemoData.LabOpeningBlackout()]).Select(conflict => conflict.Overlap.Start);

        Assert.Equal([Wat.At(5, 25, 7, 30), Wat.At(6, 1, 7, 30)], overlaps);
    }

    [Fact]
    public void FindConflicts_IgnoresABlackout_WhenItProtectsOtherServices()
    {
        var erpClosing = BlackoutWindow.OneOff("ERP month-end", new TimeInterval(Wat.At(5, 23, 0), Wat.At(5, 25, 0)), ["erp"]);
        var everything = BlackoutWindow.OneOff("Data-centre power work", new TimeInterval(Wat.At(5, 24, 5), Wat.At(5, 24, 10)));

        var conflict = Assert.Single(ScheduleConflictDetector.FindConflicts(Seed, [], [erpClosing, everything]));

        Assert.Equal(new TimeInterval(Wat.At(5, 24, 5), Wat.At(5, 24, 6)), conflict.Overlap);
    }

    private static ChangeRequest OtherChange(int sequence, DateTimeOffset start, DateTimeOffset end, string[] items) => Seed with
    {
        Number = ChangeNumber.Create(2026, sequence).Value,
        Window = new ChangeWindow(start, end, DemoData.TimeZoneId),
        Impact = Seed.Impact! with { ConfigurationItemIds = items, Duration = end - start },
        RollbackDecisionPoint = null,
        Category = ChangeCategory.Minor,
        ImplementationPlan = new ImplementationPlan([new ImplementationStep(start, "Patch", "DBA")]),
        CabReviewAt = null,
    };
}
