using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Cab;

/// <summary>
/// The vote of a CAB on one change: who may vote, the votes so far, and the decision under the board's quorum.
/// Every rule about a single vote lives here, and breaking one is a result, not an exception: the requestor can
/// never vote on their own change (not even to reject it), a rejection needs a comment, only eligible voters vote,
/// each votes once, and nobody votes after the decision.
/// </summary>
/// <remarks>Immutable: <see cref="Cast"/> returns the next round. Casting the same vote twice (a double-click) returns the round unchanged.</remarks>
public sealed record ApprovalRound
{
    private ApprovalRound(ChangeNumber change, string requestorId, IReadOnlyList<string> eligibleVoterIds, QuorumPolicy policy)
    {
        Change = change;
        RequestorId = requestorId;
        EligibleVoterIds = eligibleVoterIds;
        Policy = policy;
    }

    /// <summary>The change voted on.</summary>
    public ChangeNumber Change { get; }

    /// <summary>The requestor's person id; never eligible.</summary>
    public string RequestorId { get; }

    /// <summary>Who may vote: the board's members except the requestor.</summary>
    public IReadOnlyList<string> EligibleVoterIds { get; }

    /// <summary>How the votes are counted.</summary>
    public QuorumPolicy Policy { get; }

    /// <summary>The votes, in the order cast.</summary>
    public IReadOnlyList<CabVote> Votes { get; private init; } = [];

    /// <summary>Where the vote stands.</summary>
    public QuorumDecision Decision => Policy.Decide(Votes, EligibleVoterIds.Count);

    /// <summary>Opens a vote among <paramref name="memberIds"/> minus <paramref name="requestorId"/>.</summary>
    public static Result<ApprovalRound> Open(ChangeNumber change, string requestorId, IEnumerable<string> memberIds, QuorumPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new ErrorList();
        if (change.IsDefault)
        {
            errors.Add("change", ErrorCodes.Required, "The change voted on is required.");
        }

        errors.RequireText("requestorId", requestorId, "The requestor");
        var eligible = memberIds
            .Where(id => !string.IsNullOrWhiteSpace(id) && id != requestorId)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        errors.AddRange(policy.Validate(eligible.Length));
        return errors.Count > 0
            ? Result.Failure<ApprovalRound>(errors.ToList())
            : Result.Success(new ApprovalRound(change, requestorId, eligible, policy));
    }

    /// <summary>Records <paramref name="vote"/>, or says why it is refused.</summary>
    public Result<ApprovalRound> Cast(CabVote vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        var errors = new ErrorList();
        if (vote.VoterId == RequestorId)
        {
            errors.Add("voterId", ErrorCodes.SelfApproval, $"{RequestorId} requested {Change} and cannot vote on it.");
        }

        errors.AddRange(vote.Validate());
        if (errors.Count > 0)
        {
            return Result.Failure<ApprovalRound>(errors.ToList());
        }

        var previous = Votes.FirstOrDefault(cast => cast.VoterId == vote.VoterId);
        if (previous is not null)
        {
            return previous.Decision == vote.Decision && previous.Comment == vote.Comment
                ? Result.Success(this)
                : Result.Failure<ApprovalRound>("voterId", ErrorCodes.Conflict, $"{vote.VoterId} already voted {previous.Decision}; votes are final.");
        }

        if (!EligibleVoterIds.Contains(vote.VoterId))
        {
            return Result.Failure<ApprovalRound>("voterId", ErrorCodes.NotAllowed, $"{vote.VoterId} is not a voting member for {Change}.");
        }

        if (Decision != QuorumDecision.Pending)
        {
            return Result.Failure<ApprovalRound>(string.Empty, ErrorCodes.NotAllowed, $"The vote on {Change} is already {Decision}.");
        }

        return Result.Success(this with { Votes = [.. Votes, vote] });
    }
}
