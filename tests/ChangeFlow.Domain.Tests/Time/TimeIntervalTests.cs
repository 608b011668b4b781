using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Tests.Time;

public sealed class TimeIntervalTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 23, 21, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Overlaps_IsFalse_WhenIntervalsTouch()
    {
        var first = new TimeInterval(T0, T0.AddHours(1));
        var second = new TimeInterval(T0.AddHours(1), T0.AddHours(2));

        Assert.False(first.Overlaps(second));
        Assert.Null(first.Intersect(second));
    }

    [Fact]
    public void Overlaps_IsTrue_WhenIntervalsShareOneTick() =>
        Assert.True(new TimeInterval(T0, T0.AddHours(1)).Overlaps(new TimeInterval(T0.AddHours(1).AddTicks(-1), T0.AddHours(2))));

    [Fact]
    public void Overlaps_IsFalse_WhenEitherIntervalIsEmpty()
    {
        var hour = new TimeInterval(T0, T0.AddHours(1));
        var empty = new TimeInterval(T0.AddMinutes(30), T0.AddMinutes(30));

        Assert.True(empty.IsEmpty);
        Assert.False(hour.Overlaps(empty));
        Assert.False(empty.Overlaps(hour));
    }

    [Fact]
    public void Contains_ExcludesTheEnd_WhenIntervalIsHalfOpen()
    {
        var hour = new TimeInterval(T0, T0.AddHours(1));

        Assert.True(hour.Contains(T0));
        Assert.False(hour.Contains(T0.AddHours(1)));
    }

    [Fact]
    public void Constructor_Throws_WhenEndIsBeforeStart() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TimeInterval(T0, T0.AddTicks(-1)));

    [Fact]
    public void Constructor_StoresUtc_WhenGivenAnOffset()
    {
        var interval = new TimeInterval(new DateTimeOffset(2026, 5, 23, 22, 0, 0, TimeSpan.FromHours(1)), T0.AddHours(1));

        Assert.Equal(TimeSpan.Zero, interval.Start.Offset);
        Assert.Equal(T0, interval.Start);
    }
}
