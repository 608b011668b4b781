using ChangeFlow.Domain.Cab;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Tests.Support;

namespace ChangeFlow.Domain.Tests.Cab;

public sealed class QuorumPolicyTests
{
    private static readonly DateTimeOffset Meeting = Wat.At(5, 13, 10);

    [Theory]
    [InlineData("", QuorumDecision.Pending)]
    [InlineData("AA", QuorumDecision.Pending)]
    [InlineData("AAA", QuorumDecision.Pending)]
    [InlineData("AAAA", QuorumDecision.Approved)]
    [InlineData("R", QuorumDecision.Rejected)]
    [InlineData("AAAR", QuorumDecision.Rejected)]
    public void All_NeedsEveryApproval_WhenFourMayVote(string votes, QuorumDecision expected) =>
        Assert.Equal(expected, QuorumPolicy.All.Decide(Votes(votes), eligibleVoters: 4));

    [Theory]
    [InlineData("AA", 4, QuorumDecision.Pending)]
    [InlineData("AAA", 4, QuorumDecision.Approved)]
    [InlineData("AARR", 4, QuorumDecision.Rejected)]
    [InlineData("RR", 4, QuorumDecision.Rejected)]
    [InlineData("AR", 4, QuorumDecision.Pending)]
    [InlineData("AA", 3, QuorumDecision.Approved)]
    [InlineData("AR", 3, QuorumDecision.Pending)]
    [InlineData("RR", 3, QuorumDecision.Rejected)]
    public void Majority_NeedsMoreThanHalf_WhenVotesComeIn(string votes, int eligible, QuorumDecision expected) =>
        Assert.Equal(expected, QuorumPolicy.Majority.Decide(Votes(votes), eligible));

    [Theory]
    [InlineData("", QuorumDecision.Pending)]
    [InlineData("A", QuorumDecision.Approved)]
    [InlineData("R", QuorumDecision.Rejected)]
    [InlineData("RA", QuorumDecision.Rejected)]
    public void FirstResponse_FollowsTheFirstVote_WhenVotesComeIn(string votes, QuorumDecision expected) =>
        Assert.Equal(expected, QuorumPolicy.FirstResponse.Decide(Votes(votes), eligibleVoters: 4));

    [Fact]
    public void FirstResponse_FollowsTheEarliestCastAt_WhenListIsOutOfOrder()
    {
        CabVote[] votes =
        [
            new("a", VoteDecision.Approve, Meeting.AddMinutes(5)),
            new("b", VoteDecision.Reject, Meeting, "Not tested on staging"),
        ];

        Assert.Equal(QuorumDecision.Rejected, QuorumPolicy.FirstResponse.Decide(votes, eligibleVoters: 4));
    }

    [Theory]
    [InlineData("A", QuorumDecision.Pending)]
    [InlineData("AA", QuorumDecision.Approved)]
    [InlineData("RR", QuorumDecision.Pending)]
    [InlineData("RRR", QuorumDecision.Rejected)]
    [InlineData("RRA", QuorumDecision.Pending)]
    public void NOfM_NeedsNApprovals_WhenTwoOfFourAreRequired(string votes, QuorumDecision expected) =>
        Assert.Equal(expected, QuorumPolicy.NOfM(2).Decide(Votes(votes), eligibleVoters: 4));

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void NOfM_IsInvalid_WhenNCanNeverBeReached(int required)
    {
        var error = Assert.Single(QuorumPolicy.NOfM(required).Validate(eligibleVoters: 4));

        Assert.Equal(("quorum", ErrorCodes.OutOfRange), (error.Path, error.Code));
    }

    [Fact]
    public void Validate_ReportsNoVoters_WhenBoardHasNobodyEligible() =>
        Assert.Single(QuorumPolicy.Majority.Validate(eligibleVoters: 0));

    private static CabVote[] Votes(string pattern) =>
        [.. pattern.Select((decision, index) => decision == 'A'
            ? new CabVote($"voter-{index}", VoteDecision.Approve, Meeting.AddMinutes(index))
            : new CabVote($"voter-{index}", VoteDecision.Reject, Meeting.AddMinutes(index), "Rollback not rehearsed"))];
}
