namespace ChangeFlow.Domain.Time;

/// <summary>A whole local day without business hours.</summary>
/// <param name="Date">The local date; with <paramref name="EveryYear"/> only its month and day count.</param>
/// <param name="Name">What people call it, e.g. "Workers' Day".</param>
/// <param name="EveryYear">Whether it falls on the same month and day every year (New Year's Day), not just in <see cref="DateOnly.Year"/>.</param>
public sealed record Holiday(DateOnly Date, string Name, bool EveryYear = false)
{
    /// <summary>Whether the holiday falls on <paramref name="date"/>.</summary>
    public bool FallsOn(DateOnly date) =>
        EveryYear ? date.Month == Date.Month && date.Day == Date.Day : date == Date;
}
