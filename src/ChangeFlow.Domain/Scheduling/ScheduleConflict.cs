using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Time;

namespace ChangeFlow.Domain.Scheduling;

/// <summary>
/// Why a change's window is a problem: another change works on the same configuration items at the same time, or
/// the window runs into a blackout. Carries the overlapping instants so the CAB sees by how much.
/// </summary>
/// <param name="Overlap">The instants both share.</param>
public abstract record ScheduleConflict(TimeInterval Overlap)
{
    /// <summary>Another change overlaps on shared configuration items.</summary>
    /// <param name="Other">The other change's number.</param>
    /// <param name="SharedConfigurationItemIds">The items both touch.</param>
    /// <param name="Overlap">The instants both windows share.</param>
    public sealed record WithChange(ChangeNumber Other, IReadOnlyList<string> SharedConfigurationItemIds, TimeInterval Overlap)
        : ScheduleConflict(Overlap)
    {
        /// <inheritdoc />
        public override string ToString() => $"{Other} also works on {string.Join(", ", SharedConfigurationItemIds)} during {Overlap}";
    }

    /// <summary>The window overlaps a blackout.</summary>
    /// <param name="Blackout">The blackout.</param>
    /// <param name="Overlap">The instants inside both.</param>
    public sealed record WithBlackout(BlackoutWindow Blackout, TimeInterval Overlap)
        : ScheduleConflict(Overlap)
    {
        /// <inheritdoc />
        public override string ToString() => $"blackout '{Blackout.Name}' during {Overlap}";
    }
}
