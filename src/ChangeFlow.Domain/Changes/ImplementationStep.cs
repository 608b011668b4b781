namespace ChangeFlow.Domain.Changes;

/// <summary>
/// One step of an implementation plan. A step marked <see cref="RequiredToProceed"/> is a checkpoint: if it fails
/// and cannot be fixed in time, the rollback procedure is triggered instead of carrying on.
/// </summary>
/// <param name="PlannedAt">When the step is planned to start (UTC instant; shown in the window's zone).</param>
/// <param name="Description">What is done.</param>
/// <param name="Responsible">The role, team or person who does it (the seed names roles: "DBA", "IT Ops lead").</param>
/// <param name="RequiredToProceed">Whether the step is a go/no-go checkpoint.</param>
public sealed record ImplementationStep(
    DateTimeOffset PlannedAt,
    string Description,
    string Responsible,
    bool RequiredToProceed = false);
