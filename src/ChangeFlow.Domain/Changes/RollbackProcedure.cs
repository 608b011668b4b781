namespace ChangeFlow.Domain.Changes;

/// <summary>
/// How to put things back if the change fails, written and timed before the night, not improvised during it.
/// Normal and emergency changes must have one. Its <see cref="EstimatedDuration"/> is checked against the window:
/// a rollback started at the hard decision point has to finish before the window ends.
/// </summary>
/// <param name="TriggerConditions">When to roll back, e.g. "a required checkpoint fails and cannot be resolved within 30 minutes".</param>
/// <param name="Steps">What to do, in order.</param>
/// <param name="EstimatedDuration">How long the steps take (the seed: 45 minutes).</param>
public sealed record RollbackProcedure(
    IReadOnlyList<string> TriggerConditions,
    IReadOnlyList<string> Steps,
    TimeSpan EstimatedDuration);
