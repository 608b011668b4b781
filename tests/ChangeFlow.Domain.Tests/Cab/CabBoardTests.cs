using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Tests.Support;

namespace ChangeFlow.Domain.Tests.Cab;

public sealed class CabBoardTests
{
    private static readonly DateTimeOffset SeedWindowStart = Wat.At(5, 23, 22);
    private static readonly DateTimeOffset SeedSubmission = Wat.At(5, 3, 9);

    [Fact]
    public void NextMeetingBefore_Returns2026May13_WhenCaseIsTheSeeds()
    {
        var meeting = DemoData.CabBoard().NextMeetingBefore(SeedWindowStart, SeedSubmission);

        Assert.Equal(new DateTimeOffset(2026, 5, 13, 10, 0, 0, Wat.Offset), meeting);
        Assert.Equal(DemoData.Rfc2026014().CabReviewAt, meeting);
    }

    [Fact]
    public void NextMeetingBefore_ReturnsTheFirstWednesday_WhenNoLeadTimeIsNeeded() =>
        Assert.Equal(
            new DateTimeOffset(2026, 5, 6, 10, 0, 0, Wat.Offset),
            DemoData.CabBoard().NextMeetingBefore(SeedWindowStart, SeedSubmission, TimeSpan.Zero));

    [Fact]
    public void NextMeetingBefore_SkipsTheMeeting_WhenItsDateIsCancelled()
    {
        var board = DemoData.CabBoard();
        board = board with { Schedule = board.Schedule with { CancelledDates = [new DateOnly(2026, 5, 13)] } };

        Assert.Equal(new DateTimeOffset(2026, 5, 20, 10, 0, 0, Wat.Offset), board.NextMeetingBefore(SeedWindowStart, SeedSubmission));
    }

    [Fact]
    public void NextMeetingBefore_ReturnsNull_WhenNoMeetingPrecedesTheWindow()
    {
        var board = DemoData.CabBoard();

        Assert.Null(board.NextMeetingBefore(Wat.At(5, 13, 10), SeedSubmission));
        Assert.Null(board.NextMeetingBefore(Wat.At(5, 5, 0), SeedSubmission));
    }

    [Fact]
    public void NextMeetingBefore_IncludesAMeeting_WhenItStartsExactlyAtTheLeadTime()
    {
        var submittedFiveDaysBefore = Wat.At(5, 8, 10);

        Assert.Equal(Wat.At(5, 13, 10), DemoData.CabBoard().NextMeetingBefore(SeedWindowStart, submittedFiveDaysBefore));
    }

    [Fact]
    public void OpenVote_LeavesTheRequestorOut_WhenTheRequestorIsAMember()
    {
        var board = DemoData.CabBoard();

        var round = board.OpenVote(DemoData.Rfc2026014()).Value;

        Assert.True(board.IsMember(DemoData.Requestor.Id));
        Assert.DoesNotContain(DemoData.Requestor.Id, round.EligibleVoterIds);
        Assert.Equal(4, round.EligibleVoterIds.Count);
    }
}
