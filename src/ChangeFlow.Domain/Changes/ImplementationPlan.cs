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

    /// <summary>The id of the step at <paramref name="index"/>: its own <see cref="ImplementationStep.Id"/>, or <c>step-N</c> (1-based) when it has none.</summary>
    public string IdOf(int index) => Steps[index].Id ?? DefaultId(index);

    /// <summary>The positional id of the step at <paramref name="index"/>, <c>step-N</c> (1-based).</summary>
    public static string DefaultId(int index) => $"step-{index + 1}";
}
