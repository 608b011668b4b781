using ChangeFlow.Domain.Cab;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Testing;

namespace ChangeFlow.Domain.Tests.Cab;

public sealed class ApprovalRoundTests
{
    private readonly EngineFixture _fixture = new();

    [Fact]
    public void Cast_RefusesSelfApproval_WhenTheRequestorVotes()
    {
        var round = OpenSeedVote();

        var cast = round.Cast(new CabVote(DemoData.Requestor.Id, VoteDecision.Approve, Now()));

        var error = Assert.Single(cast.Errors);
        Assert.Equal(("voterId", ErrorCodes.SelfApproval), (error.Path, error.Code));
    }

    [Fact]
    public void Cast_RefusesTheRequestor_EvenWhenRejecting()
    {
        var cast = OpenSeedVote().Cast(new CabVote(DemoData.Requestor.Id, VoteDecision.Reject, Now(), "Changed my mind"));

        Assert.Equal(ErrorCodes.SelfApproval, Assert.Single(cast.Errors).Code);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Cast_RefusesARejection_WhenItHasNoComment(string? comment)
    {
        var cast = OpenSeedVote().Cast(new CabVote("security-officer", VoteDecision.Reject, Now(), comment));

        var error = Assert.Single(cast.Errors);
        Assert.Equal(("comment", ErrorCodes.Required), (error.Path, error.Code));
    }

    [Fact]
    public void Cast_AcceptsAnApproval_WhenItHasNoComment()
    {
        var round = OpenSeedVote().Cast(new CabVote("security-officer", VoteDecision.Approve, Now())).Value;

        Assert.Single(round.Votes);
        Assert.Equal(QuorumDecision.Pending, round.Decision);
    }

    [Fact]
    public void Decision_IsApproved_WhenAMajorityOfEligibleMembersApproves()
    {
        var round = OpenSeedVote();
        foreach (var voter in new[] { "change-manager", "security-officer", "quality-lead" })
        {
            round = round.Cast(new CabVote(voter, VoteDecision.Approve, Now())).Value;
            _fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(QuorumDecision.Approved, round.Decision);
    }

    [Fact]
    public void Cast_RefusesAVote_WhenTheDecisionIsAlreadyMade()
    {
        var round = OpenSeedVote();
        foreach (var voter in new[] { "change-manager", "security-officer", "quality-lead" })
        {
            round = round.Cast(new CabVote(voter, VoteDecision.Approve, Now())).Value;
        }

        var late = round.Cast(new CabVote(DemoData.ApplicationOwner.Id, VoteDecision.Approve, Now()));

        Assert.Equal(ErrorCodes.NotAllowed, Assert.Single(late.Errors).Code);
    }

    [Fact]
    public void Cast_RefusesAVote_WhenTheVoterIsNotAMember() =>
        Assert.Equal(
            ("voterId", ErrorCodes.NotAllowed),
            OpenSeedVote().Cast(new CabVote("visitor", VoteDecision.Approve, Now())).Errors.Select(error => (error.Path, error.Code)).Single());

    [Fact]
    public void Cast_ReturnsTheSameRound_WhenTheSameVoteIsCastTwice()
    {
        var vote = new CabVote("security-officer", VoteDecision.Approve, Now());
        var once = OpenSeedVote().Cast(vote).Value;

        var twice = once.Cast(vote);

        Assert.True(twice.IsSuccess);
        Assert.Same(once, twice.Value);
    }

    [Fact]
    public void Cast_IsAConflict_WhenAVoterChangesTheirVote()
    {
        var once = OpenSeedVote().Cast(new CabVote("security-officer", VoteDecision.Approve, Now())).Value;

        var changed = once.Cast(new CabVote("security-officer", VoteDecision.Reject, Now(), "Found an issue"));

        Assert.Equal(ErrorCodes.Conflict, Assert.Single(changed.Errors).Code);
    }

    [Fact]
    public void Open_IsRefused_WhenNOfMExceedsTheEligibleMembers()
    {
        var opened = ApprovalRound.Open(DemoData.Rfc2026014Number, DemoData.Requestor.Id, DemoData.CabBoard().Members.Select(member => member.Person.Id), QuorumPolicy.NOfM(5));

        Assert.Equal("quorum", Assert.Single(opened.Errors).Path);
    }

    private static ApprovalRound OpenSeedVote() => DemoData.CabBoard().OpenVote(DemoData.Rfc2026014()).Value;

    private DateTimeOffset Now() => _fixture.Clock.GetUtcNow();
}
