using System.Collections.Frozen;

namespace ChangeFlow.Domain.Changes;

/// <summary>
/// Which state moves each change type allows, after ServiceNow's change models:
/// <list type="bullet">
/// <item><b>Normal</b>: New → Assess → Authorize → Scheduled → Implement → Review → Closed.</item>
/// <item><b>Standard</b> (pre-authorized): New → Scheduled → Implement → Review → Closed.</item>
/// <item><b>Emergency</b> (fast-track authority, no separate assessment): New → Authorize → Scheduled → Implement → Review → Closed.</item>
/// </list>
/// Assess and Authorize may end in Rejected; anything before Implement may be Canceled. Once work has started the
/// change cannot be canceled: it ends with an outcome (possibly RolledBack) and is reviewed.
/// </summary>
public static class ChangeLifecycle
{
    private static readonly FrozenDictionary<ChangeState, ChangeState[]> Normal = new Dictionary<ChangeState, ChangeState[]>
    {
        [ChangeState.New] = [ChangeState.Assess, ChangeState.Canceled],
        [ChangeState.Assess] = [ChangeState.Authorize, ChangeState.Rejected, ChangeState.Canceled],
        [ChangeState.Authorize] = [ChangeState.Scheduled, ChangeState.Rejected, ChangeState.Canceled],
        [ChangeState.Scheduled] = [ChangeState.Implement, ChangeState.Canceled],
        [ChangeState.Implement] = [ChangeState.Review],
        [ChangeState.Review] = [ChangeState.Closed],
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<ChangeState, ChangeState[]> Standard = new Dictionary<ChangeState, ChangeState[]>
    {
        [ChangeState.New] = [ChangeState.Scheduled, ChangeState.Canceled],
        [ChangeState.Scheduled] = [ChangeState.Implement, ChangeState.Canceled],
        [ChangeState.Implement] = [ChangeState.Review],
        [ChangeState.Review] = [ChangeState.Closed],
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<ChangeState, ChangeState[]> Emergency = new Dictionary<ChangeState, ChangeState[]>
    {
        [ChangeState.New] = [ChangeState.Authorize, ChangeState.Canceled],
        [ChangeState.Authorize] = [ChangeState.Scheduled, ChangeState.Rejected, ChangeState.Canceled],
        [ChangeState.Scheduled] = [ChangeState.Implement, ChangeState.Canceled],
        [ChangeState.Implement] = [ChangeState.Review],
        [ChangeState.Review] = [ChangeState.Closed],
    }.ToFrozenDictionary();

    /// <summary>The states a change of <paramref name="type"/> may move to from <paramref name="from"/>; empty for terminal states.</summary>
    public static IReadOnlyList<ChangeState> AllowedTargets(ChangeType type, ChangeState from)
    {
        var table = type switch
        {
            ChangeType.Standard => Standard,
            ChangeType.Normal => Normal,
            ChangeType.Emergency => Emergency,
            _ => FrozenDictionary<ChangeState, ChangeState[]>.Empty,
        };
        return table.TryGetValue(from, out var targets) ? targets : [];
    }

    /// <summary>Whether a change of <paramref name="type"/> may move from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsAllowed(ChangeType type, ChangeState from, ChangeState to) => AllowedTargets(type, from).Contains(to);

    /// <summary>Whether no move leaves <paramref name="state"/>.</summary>
    public static bool IsTerminal(ChangeState state) =>
        state is ChangeState.Closed or ChangeState.Rejected or ChangeState.Canceled;
}
