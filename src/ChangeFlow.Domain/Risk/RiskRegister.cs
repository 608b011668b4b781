using System.Collections;

namespace ChangeFlow.Domain.Risk;

/// <summary>
/// The risk rows of a change, in the order the dossier lists them (validation paths index into this order:
/// <c>riskRegister[2].probability</c>). The change's overall risk is its highest-rated row, because one
/// unmitigated High risk is not averaged away by four Low ones.
/// </summary>
public sealed class RiskRegister : IReadOnlyList<RiskEntry>
{
    private readonly RiskEntry[] _entries;

    /// <summary>Creates a register holding <paramref name="entries"/> in order.</summary>
    public RiskRegister(IEnumerable<RiskEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _entries = [.. entries];
    }

    /// <summary>A register with no rows.</summary>
    public static RiskRegister Empty { get; } = new([]);

    /// <inheritdoc />
    public int Count => _entries.Length;

    /// <inheritdoc />
    public RiskEntry this[int index] => _entries[index];

    /// <summary>Every row with its rating on <paramref name="scale"/>.</summary>
    public IReadOnlyList<(RiskEntry Entry, RiskRating Rating)> Rate(RiskScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        return [.. _entries.Select(entry => (entry, scale.Rate(entry)))];
    }

    /// <summary>The highest level of any row on <paramref name="scale"/>, or null for an empty register (nothing assessed yet is not "Low").</summary>
    public RiskLevel? OverallLevel(RiskScale scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        return _entries.Length == 0 ? null : _entries.Max(entry => scale.Rate(entry).Level);
    }

    /// <inheritdoc />
    public IEnumerator<RiskEntry> GetEnumerator() => ((IEnumerable<RiskEntry>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
