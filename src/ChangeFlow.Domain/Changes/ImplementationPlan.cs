namespace ChangeFlow.Domain.Changes;

/// <summary>
/// The steps of the change in the order they are carried out. Their planned instants must not go backwards and must
/// fall before the window ends and before the hard rollback decision point; steps may start before the window
/// (the seed's pre-deployment checklist at 21:30 precedes a 22:00 window) because preparation does not take the
/// service down.
/// </summary>
/// <param name="Steps">The steps, in execution order; validation paths index into this order.</param>
public sealed record ImplementationPlan(IReadOnlyList<ImplementationStep> Steps)
{
    /// <summary>A plan with no steps.</summary>
    public static ImplementationPlan Empty { get; } = new([]);

    /// <summary>The checkpoints, in order.</summary>
    public IEnumerable<ImplementationStep> Checkpoints => Steps.Where(step => step.RequiredToProceed);
}
