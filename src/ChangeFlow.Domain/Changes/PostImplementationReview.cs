namespace ChangeFlow.Domain.Changes;

/// <summary>
/// The meeting after the change that checks the outcome and feeds the Continual Improvement Register. Scheduled in
/// the dossier, before the change, so it happens whatever the outcome; its findings are filled in afterwards.
/// </summary>
public sealed record PostImplementationReview
{
    /// <summary>When the review starts (UTC instant); it must be after the window ends.</summary>
    public DateTimeOffset ScheduledAt { get; init; }

    /// <summary>How long it lasts (the seed: 30 minutes).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Who attends, by role or name.</summary>
    public IReadOnlyList<string> Attendees { get; init; } = [];

    /// <summary>The questions the review answers.</summary>
    public IReadOnlyList<string> AgendaItems { get; init; } = [];

    /// <summary>What the review found; each may become an <see cref="Improvement.ImprovementItem"/>. Empty until the review is held.</summary>
    public IReadOnlyList<string> Findings { get; init; } = [];

    /// <summary>The outcome the review confirmed, once held.</summary>
    public ChangeOutcome? ConfirmedOutcome { get; init; }
}
