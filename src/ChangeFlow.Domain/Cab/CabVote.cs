using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Cab;

/// <summary>
/// One member's vote. A rejection must say why, because the requestor has to know what to fix before resubmitting.
/// </summary>
/// <param name="VoterId">The person id of the voter.</param>
/// <param name="Decision">Approve or reject.</param>
/// <param name="CastAt">When it was cast (UTC instant); orders votes for <see cref="QuorumPolicy.FirstResponse"/>.</param>
/// <param name="Comment">Why; required for a rejection.</param>
public sealed record CabVote(string VoterId, VoteDecision Decision, DateTimeOffset CastAt, string? Comment = null)
{
    /// <summary>Problems with the vote itself, paths relative to it.</summary>
    public IReadOnlyList<DomainError> Validate()
    {
        var errors = new ErrorList();
        errors.RequireText("voterId", VoterId, "The voter");
        if (errors.RequireDefined("decision", Decision, "The decision")
            && Decision == VoteDecision.Reject
            && string.IsNullOrWhiteSpace(Comment))
        {
            errors.Add("comment", ErrorCodes.Required, "A rejection needs a comment saying what to fix.");
        }

        if (CastAt == default)
        {
            errors.Add("castAt", ErrorCodes.Required, "When the vote was cast is required.");
        }

        return errors.ToList();
    }
}
