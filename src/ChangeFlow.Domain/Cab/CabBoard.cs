using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Cab;

/// <summary>
/// A Change Advisory Board: who sits on it, when it meets, how it decides, and how much notice it needs. Books the
/// meeting that reviews an RFC: the first one that leaves members time to read the dossier and still precedes the
/// window.
/// </summary>
public sealed record CabBoard
{
    /// <summary>A stable id, e.g. <c>cab-main</c>.</summary>
    public required string Id { get; init; }

    /// <summary>What people call it.</summary>
    public required string Name { get; init; }

    /// <summary>The members; all vote, except on their own changes.</summary>
    public required IReadOnlyList<CabMember> Members { get; init; }

    /// <summary>When it meets.</summary>
    public required CabMeetingSchedule Schedule { get; init; }

    /// <summary>How its votes become a decision.</summary>
    public required QuorumPolicy Quorum { get; init; }

    /// <summary>How long before a meeting an RFC must be submitted to be on its agenda, so members can read the dossier.</summary>
    /// <value>The default is 5 days.</value>
    public TimeSpan AgendaLeadTime { get; init; } = TimeSpan.FromDays(5);

    /// <summary>Whether <paramref name="personId"/> is a member.</summary>
    public bool IsMember(string personId) => Members.Any(member => member.Person.Id == personId);

    /// <summary>
    /// The first meeting at least <paramref name="minLeadTime"/> after <paramref name="after"/> (the submission) that
    /// starts before <paramref name="windowStart"/>, or null when none fits, in which case the window must move.
    /// </summary>
    /// <remarks>The seed's RFC, submitted Sunday 2026-05-03 for a 2026-05-23 window, lands on Wednesday 2026-05-13 with a 5-day lead: the 05-06 meeting is too soon to read the dossier.</remarks>
    public DateTimeOffset? NextMeetingBefore(DateTimeOffset windowStart, DateTimeOffset after, TimeSpan minLeadTime)
    {
        var earliest = after + (minLeadTime > TimeSpan.Zero ? minLeadTime : TimeSpan.Zero);
        return earliest >= windowStart
            ? null
            : Schedule.StartsBetween(earliest, windowStart).Select(start => (DateTimeOffset?)start).FirstOrDefault();
    }

    /// <summary>As <see cref="NextMeetingBefore(DateTimeOffset, DateTimeOffset, TimeSpan)"/> with the board's <see cref="AgendaLeadTime"/>.</summary>
    public DateTimeOffset? NextMeetingBefore(DateTimeOffset windowStart, DateTimeOffset after) =>
        NextMeetingBefore(windowStart, after, AgendaLeadTime);

    /// <summary>Opens the vote on <paramref name="change"/>: every member but its requestor may vote, under the board's quorum.</summary>
    public Result<ApprovalRound> OpenVote(ChangeRequest change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return ApprovalRound.Open(change.Number, change.Requestor?.Id ?? string.Empty, Members.Select(member => member.Person.Id), Quorum);
    }
}
