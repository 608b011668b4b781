using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Cab;

/// <summary>
/// How a set of votes becomes a decision. Each policy decides as early as the outcome is certain: a vote is
/// Rejected as soon as the outstanding votes could no longer approve it, so nobody waits for votes that cannot
/// matter.
/// </summary>
/// <remarks>
/// <see cref="Decide"/> counts valid votes, one per eligible voter, in the order cast; <see cref="ApprovalRound"/>
/// is what enforces that (no self-approval, rejections with comments, one vote each).
/// </remarks>
public abstract record QuorumPolicy
{
    private protected QuorumPolicy()
    {
    }

    /// <summary>Every eligible voter must approve; one rejection rejects.</summary>
    public static QuorumPolicy All { get; } = new Unanimous();

    /// <summary>More than half of the eligible voters must approve; a tie rejects.</summary>
    public static QuorumPolicy Majority { get; } = new SimpleMajority();

    /// <summary>The first vote cast decides (a single change authority, or an emergency CAB where speed matters).</summary>
    public static QuorumPolicy FirstResponse { get; } = new FirstVote();

    /// <summary>At least <paramref name="required"/> approvals out of all eligible voters.</summary>
    public static QuorumPolicy NOfM(int required) => new AtLeast(required);

    /// <summary>The decision after <paramref name="votes"/> (in the order cast) out of <paramref name="eligibleVoters"/>.</summary>
    public abstract QuorumDecision Decide(IReadOnlyList<CabVote> votes, int eligibleVoters);

    /// <summary>How many approvals approve among <paramref name="eligibleVoters"/> (what a tally counts towards).</summary>
    public abstract int ApprovalsNeeded(int eligibleVoters);

    /// <summary>Problems with the policy for a board of <paramref name="eligibleVoters"/>, at <paramref name="path"/>.</summary>
    public virtual IReadOnlyList<DomainError> Validate(int eligibleVoters, string path = "quorum") =>
        eligibleVoters < 1
            ? [new DomainError(path, ErrorCodes.OutOfRange, "Nobody is eligible to vote.")]
            : [];

    private static int Approvals(IReadOnlyList<CabVote> votes) => votes.Count(vote => vote.Decision == VoteDecision.Approve);

    private static int Rejections(IReadOnlyList<CabVote> votes) => votes.Count(vote => vote.Decision == VoteDecision.Reject);

    private sealed record Unanimous : QuorumPolicy
    {
        public override QuorumDecision Decide(IReadOnlyList<CabVote> votes, int eligibleVoters) =>
            Rejections(votes) > 0 ? QuorumDecision.Rejected
            : Approvals(votes) >= eligibleVoters ? QuorumDecision.Approved
            : QuorumDecision.Pending;

        public override int ApprovalsNeeded(int eligibleVoters) => eligibleVoters;

        public override string ToString() => "All";
    }

    private sealed record SimpleMajority : QuorumPolicy
    {
        public override QuorumDecision Decide(IReadOnlyList<CabVote> votes, int eligibleVoters) =>
            Approvals(votes) * 2 > eligibleVoters ? QuorumDecision.Approved
            : Rejections(votes) * 2 >= eligibleVoters ? QuorumDecision.Rejected
            : QuorumDecision.Pending;

        public override int ApprovalsNeeded(int eligibleVoters) => (eligibleVoters / 2) + 1;

        public override string ToString() => "Majority";
    }

    private sealed record FirstVote : QuorumPolicy
    {
        public override QuorumDecision Decide(IReadOnlyList<CabVote> votes, int eligibleVoters)
        {
            if (votes.Count == 0)
            {
                return QuorumDecision.Pending;
            }

            var first = votes.Select((vote, index) => (vote, index)).MinBy(pair => (pair.vote.CastAt, pair.index)).vote;
            return first.Decision == VoteDecision.Approve ? QuorumDecision.Approved : QuorumDecision.Rejected;
        }

        public override int ApprovalsNeeded(int eligibleVoters) => 1;

        public override string ToString() => "FirstResponse";
    }

    private sealed record AtLeast(int Required) : QuorumPolicy
    {
        public override QuorumDecision Decide(IReadOnlyList<CabVote> votes, int eligibleVoters) =>
            Approvals(votes) >= Required ? QuorumDecision.Approved
            : eligibleVoters - Rejections(votes) < Required ? QuorumDecision.Rejected
            : QuorumDecision.Pending;

        public override IReadOnlyList<DomainError> Validate(int eligibleVoters, string path = "quorum")
        {
            var errors = base.Validate(eligibleVoters, path);
            if (errors.Count > 0)
            {
                return errors;
            }

            return Required < 1 || Required > eligibleVoters
                ? [new DomainError(path, ErrorCodes.OutOfRange, $"{Required} of {eligibleVoters} approvals can never be reached; pick 1 to {eligibleVoters}.")]
                : [];
        }

        public override int ApprovalsNeeded(int eligibleVoters) => Required;

        public override string ToString() => $"NOfM({Required})";
    }
}
