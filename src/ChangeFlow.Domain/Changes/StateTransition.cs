namespace ChangeFlow.Domain.Changes;

/// <summary>One entry of a change's history: who moved it from where to where, when, and with what outcome. Kept for audit, never edited.</summary>
/// <param name="From">The state before.</param>
/// <param name="To">The state after.</param>
/// <param name="At">When (UTC instant).</param>
/// <param name="By">Who, by person id.</param>
/// <param name="Outcome">The outcome set by this move, if any.</param>
/// <param name="Note">Why, if given (a rejection reason, a cancel reason).</param>
public sealed record StateTransition(
    ChangeState From,
    ChangeState To,
    DateTimeOffset At,
    string By,
    ChangeOutcome? Outcome = null,
    string? Note = null);
