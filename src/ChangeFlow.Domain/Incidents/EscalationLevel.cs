namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// One step of an escalation policy: what it does (<see cref="Kind"/>), when it triggers by itself (a fraction of a
/// clock's budget, plus a delay after that fraction was reached) and whom it notifies. A level without a trigger is
/// applied only by hand.
/// </summary>
/// <param name="Id">A stable id for audit, e.g. <c>team-manager</c>.</param>
/// <param name="Name">What people call it, e.g. "Notify the team manager".</param>
/// <param name="Kind">Functional (reassign to the next support tier) or hierarchical (notify management).</param>
/// <param name="Clock">The clock that triggers it, or null for a level applied only by hand.</param>
/// <param name="At">The fraction of that clock's budget that triggers it (0.75 = a warning, 1 = the breach).</param>
/// <param name="Delay">How long after the fraction is reached it triggers (wall-clock time).</param>
/// <param name="Notify">
/// Whom to notify: <c>team-manager</c>, <c>head-of-it</c>, <c>assignee</c>, <c>assignment-group</c>,
/// <c>reporter</c>, <c>group:slug</c>, <c>role:Name</c>, <c>user:id</c> or an e-mail address. A functional level
/// always notifies the group it hands the incident to.
/// </param>
public sealed record EscalationLevel(string Id, string Name, EscalationKind Kind, SlaClockKind? Clock, double? At, TimeSpan Delay, IReadOnlyList<string> Notify)
{
    /// <summary>Whether it triggers by itself.</summary>
    public bool IsAutomatic => Clock is not null && At is not null;
}
