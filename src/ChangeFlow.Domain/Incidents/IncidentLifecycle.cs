using System.Collections.Frozen;

namespace ChangeFlow.Domain.Incidents;

/// <summary>
/// The moves the seven-step lifecycle allows, in order: Identified → Logged → Categorized → Prioritized → Diagnosis →
/// Resolved → Closed. A prioritized incident may be resolved at first contact (without a separate diagnosis). Before
/// resolution an incident may be put on hold (AwaitingUser, PendingVendor) and resumed to where it was. A resolved
/// incident is closed, or reopened into diagnosis when the fix did not hold. Closed is final.
/// </summary>
public static class IncidentLifecycle
{
    private static readonly IncidentState[] Holds = [IncidentState.AwaitingUser, IncidentState.PendingVendor];

    private static readonly FrozenDictionary<IncidentState, IncidentState[]> Moves = new Dictionary<IncidentState, IncidentState[]>
    {
        [IncidentState.Identified] = [IncidentState.Logged],
        [IncidentState.Logged] = [IncidentState.Categorized, .. Holds],
        [IncidentState.Categorized] = [IncidentState.Prioritized, .. Holds],
        [IncidentState.Prioritized] = [IncidentState.Diagnosis, IncidentState.Resolved, .. Holds],
        [IncidentState.Diagnosis] = [IncidentState.Resolved, .. Holds],
        [IncidentState.AwaitingUser] = [IncidentState.Logged, IncidentState.Categorized, IncidentState.Prioritized, IncidentState.Diagnosis, IncidentState.PendingVendor],
        [IncidentState.PendingVendor] = [IncidentState.Logged, IncidentState.Categorized, IncidentState.Prioritized, IncidentState.Diagnosis, IncidentState.AwaitingUser],
        [IncidentState.Resolved] = [IncidentState.Closed, IncidentState.Diagnosis],
    }.ToFrozenDictionary();

    /// <summary>The states an incident in <paramref name="from"/> may move to; empty for Closed.</summary>
    public static IReadOnlyList<IncidentState> AllowedTargets(IncidentState from) => Moves.TryGetValue(from, out var to) ? to : [];

    /// <summary>Whether the move is allowed.</summary>
    public static bool IsAllowed(IncidentState from, IncidentState to) => AllowedTargets(from).Contains(to);

    /// <summary>Whether <paramref name="state"/> is a hold state (AwaitingUser, PendingVendor).</summary>
    public static bool IsHold(IncidentState state) => Holds.Contains(state);

    /// <summary>Whether the incident still needs work: not Resolved and not Closed.</summary>
    public static bool IsOpen(IncidentState state) => state is not (IncidentState.Resolved or IncidentState.Closed);
}
