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
    bool RequiredToProceed = false)
{
    /// <summary>The longest step id.</summary>
    public const int MaxIdLength = 64;

    /// <summary>
    /// The id implementers report progress against (<c>POST /api/changes/{number}/steps/{id}</c>), unique within the
    /// plan; letters, digits, '-', '_' and '.'. When null the step is known by <see cref="ImplementationPlan.IdOf"/>'s
    /// positional default, <c>step-N</c>.
    /// </summary>
    public string? Id { get; init; }
}
