using ChangeFlow.Application.Tasks;
using ChangeFlow.Domain.Cab;

namespace ChangeFlow.Application.Changes;

/// <summary>
/// Where a change's CAB vote stands, for the agenda: the board's quorum, how many approvals it needs among the voters,
/// the approvals and rejections cast, the decision so far, and the voters who have not voted yet.
/// </summary>
/// <param name="Quorum">The board's quorum policy (<c>Majority</c>, <c>NOfM(3)</c>, ...).</param>
/// <param name="Eligible">How many people were asked to vote.</param>
/// <param name="ApprovalsNeeded">How many approvals approve.</param>
/// <param name="Approved">Approvals cast.</param>
/// <param name="Rejected">Rejections cast.</param>
/// <param name="Decision">The decision the votes cast make under the quorum.</param>
/// <param name="NotVoted">The open vote tasks: who has not voted, and by when they should.</param>
public sealed record CabVoteTally(string Quorum, int Eligible, int ApprovalsNeeded, int Approved, int Rejected, QuorumDecision Decision, IReadOnlyList<HumanTask> NotVoted)
{
    /// <summary>
    /// The tally of the latest CAB vote among <paramref name="tasks"/> (a change's tasks), or null when the board has
    /// not been asked yet. A CAB vote is an approval assigned through the board (<c>board</c>, <c>board:id</c>).
    /// </summary>
    public static CabVoteTally? Of(IEnumerable<HumanTask> tasks, QuorumPolicy quorum)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(quorum);
        var vote = tasks
            .Where(t => t.Kind == Activities.RequestApproval.TaskKind && t.AssignedVia is { } via && (via.Equals("board", StringComparison.OrdinalIgnoreCase) || via.StartsWith("board:", StringComparison.OrdinalIgnoreCase)))
            .GroupBy(t => t.GroupId, StringComparer.Ordinal)
            .MaxBy(g => g.Min(t => t.CreatedAt))
            ?.ToList();
        if (vote is null)
        {
            return null;
        }

        var cast = vote
            .Where(t => t.Status == HumanTaskStatus.Completed && t.Outcome is Activities.RequestApproval.Approved or Activities.RequestApproval.Rejected)
            .OrderBy(t => t.CompletedAt)
            .Select(t => new CabVote(t.CompletedBy ?? t.AssigneeUserId, t.Outcome == Activities.RequestApproval.Approved ? VoteDecision.Approve : VoteDecision.Reject, t.CompletedAt ?? t.CreatedAt, t.Comment))
            .ToList();
        return new CabVoteTally(
            quorum.ToString(),
            vote.Count,
            quorum.ApprovalsNeeded(vote.Count),
            cast.Count(v => v.Decision == VoteDecision.Approve),
            cast.Count(v => v.Decision == VoteDecision.Reject),
            quorum.Decide(cast, vote.Count),
            [.. vote.Where(t => t.Status == HumanTaskStatus.Open).OrderBy(t => t.AssigneeUserId, StringComparer.Ordinal)]);
    }
}
