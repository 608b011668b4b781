using ChangeFlow.Domain.Communication;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Tests.Support;

namespace ChangeFlow.Domain.Tests.Communication;

public sealed class NotificationTimingTests
{
    private static readonly Domain.Changes.ChangeRequest Seed = DemoData.Rfc2026014();

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Resolve_GivesFriday1400Wat_WhenRowIsForUsersOrLabManagers(int row)
    {
        var due = Seed.CommunicationPlan[row].When.Resolve(Seed.Window!);

        Assert.True(due.IsExact);
        Assert.Equal(new DateTimeOffset(2026, 5, 22, 14, 0, 0, Wat.Offset), due.Earliest);
    }

    [Fact]
    public void Resolve_GivesTheWholeThursdayInWat_WhenRowIsForTheSurveillanceTeam()
    {
        var due = Seed.CommunicationPlan[2].When.Resolve(Seed.Window!);

        Assert.Equal(new DateTimeOffset(2026, 5, 21, 0, 0, 0, Wat.Offset), due.Earliest);
        Assert.Equal(new DateTimeOffset(2026, 5, 22, 0, 0, 0, Wat.Offset).AddTicks(-1), due.Latest);
        Assert.False(due.AwaitsOutcome);
    }

    [Fact]
    public void Resolve_AwaitsTheOutcomeBySunday0600_WhenRowIsForAllStakeholders()
    {
        var due = Seed.CommunicationPlan[3].When.Resolve(Seed.Window!);

        Assert.True(due.AwaitsOutcome);
        Assert.Equal(Seed.Window!.Start, due.Earliest);
        Assert.Equal(new DateTimeOffset(2026, 5, 24, 6, 0, 0, Wat.Offset), due.Latest);
    }

    [Fact]
    public void Resolve_FollowsTheWindow_WhenTheCabMovesIt()
    {
        var moved = Seed.Window! with { Start = Seed.Window.Start.AddDays(7), End = Seed.Window.End.AddDays(7) };

        Assert.Equal(new DateTimeOffset(2026, 5, 29, 14, 0, 0, Wat.Offset), Seed.CommunicationPlan[0].When.Resolve(moved).Earliest);
    }

    [Fact]
    public void Resolve_IgnoresTheWindow_WhenTimingIsAnInstant()
    {
        var instant = new DateTimeOffset(2026, 5, 20, 8, 0, 0, TimeSpan.Zero);

        Assert.Equal(instant, NotificationTiming.At(instant).Resolve(Seed.Window!).Latest);
    }

    [Fact]
    public void ToString_ReadsLikeThePlan_WhenTimingIsRelative() =>
        Assert.Equal("window start − 32 h", Seed.CommunicationPlan[0].When.ToString());
}
