using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Improvement;

/// <summary>
/// An entry of the Continual Improvement Register: an improvement to how the organisation works (not a feature,
/// not an incident), often found by a post-implementation review ("anything harder than expected, any gap in the
/// rollback procedure, any user adoption friction"). <see cref="SourceChange"/> keeps the link to the change that
/// revealed it.
/// </summary>
public sealed record ImprovementItem
{
    /// <summary>A short statement of the improvement.</summary>
    public string Title { get; init; } = string.Empty;

    /// <summary>What was observed and what should change.</summary>
    public string Description { get; init; } = string.Empty;

    /// <summary>The change whose review raised it, if any.</summary>
    public ChangeNumber? SourceChange { get; init; }

    /// <summary>Where it is.</summary>
    public ImprovementStatus Status { get; init; } = ImprovementStatus.Proposed;

    /// <summary>How soon.</summary>
    public ImprovementPriority Priority { get; init; } = ImprovementPriority.Medium;

    /// <summary>Creates a proposed item from a review finding of <paramref name="change"/>.</summary>
    public static ImprovementItem FromReviewFinding(ChangeNumber change, string title, string description, ImprovementPriority priority) =>
        new() { Title = title, Description = description, SourceChange = change, Priority = priority };

    /// <summary>Every problem with the item.</summary>
    public IReadOnlyList<DomainError> Validate()
    {
        var errors = new ErrorList();
        errors.RequireText("title", Title, "A title");
        errors.RequireText("description", Description, "A description");
        if (SourceChange is { IsDefault: true })
        {
            errors.Add("sourceChange", ErrorCodes.Invalid, "The source change is set but has no number.");
        }

        errors.RequireDefined("status", Status, "The status");
        errors.RequireDefined("priority", Priority, "The priority");
        return errors.ToList();
    }
}
