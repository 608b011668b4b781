namespace ChangeFlow.Domain.Incidents;

/// <summary>A fraction of a clock's budget that was reached (a warning at 0.5 or 0.75, the breach at 1), and when.</summary>
/// <param name="Fraction">The fraction of the budget.</param>
/// <param name="At">When it was reached (the instant the used time crossed it).</param>
public sealed record SlaMark(double Fraction, DateTimeOffset At);
