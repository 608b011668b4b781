using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Domain.Scheduling;

/// <summary>
/// Finds what a change's window collides with, before the CAB books it: (a) other live changes whose windows
/// overlap on a shared configuration item, (b) blackouts that protect the change's services. Windows are
/// half-open, so a change ending at 07:30 does not collide with a blackout starting at 07:30.
/// </summary>
/// <remarks>
/// Closed, rejected and canceled changes are ignored (they will not run), as are changes without a valid window.
/// The caller chooses which changes to pass (typically those whose windows come near this one); the detector does
/// no I/O.
/// </remarks>
public static class ScheduleConflictDetector
{
    /// <summary>Every conflict of <paramref name="change"/>: other changes first, in the order given, then blackouts.</summary>
    public static IReadOnlyList<ScheduleConflict> FindConflicts(
        ChangeRequest change,
        IEnumerable<ChangeRequest> otherChanges,
        IEnumerable<BlackoutWindow> blackouts)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(otherChanges);
        ArgumentNullException.ThrowIfNull(blackouts);
        if (change.Window is not { IsValid: true } window)
        {
            return [];
        }

        var conflicts = new List<ScheduleConflict>();
        var items = change.Impact?.ConfigurationItemIds ?? [];
        foreach (var other in otherChanges)
        {
            if (other.Number == change.Number
                || ChangeLifecycle.IsTerminal(other.State)
                || other.Window is not { IsValid: true } otherWindow
                || window.Interval.Intersect(otherWindow.Interval) is not { } overlap)
            {
                continue;
            }

            var shared = items.Intersect(other.Impact?.ConfigurationItemIds ?? [], StringComparer.Ordinal).ToArray();
            if (shared.Length > 0)
            {
                conflicts.Add(new ScheduleConflict.WithChange(other.Number, shared, overlap));
            }
        }

        var services = change.Impact?.ServiceIds ?? [];
        foreach (var blackout in blackouts.Where(blackout => blackout.AppliesTo(services)))
        {
            conflicts.AddRange(blackout.OverlapsWith(window.Interval).Select(overlap => new ScheduleConflict.WithBlackout(blackout, overlap)));
        }

        return conflicts;
    }
}
