using ChangeFlow.Domain.Common;

namespace ChangeFlow.Domain.Changes;

/// <summary>
/// The result of <see cref="ChangeRequest.Transition"/>: the status, the change as it now is (the new version when
/// applied, the unchanged one otherwise), and why it was refused.
/// </summary>
/// <param name="Status">How it ended.</param>
/// <param name="Change">The change after the attempt.</param>
/// <param name="Errors">Why it was refused; empty when applied.</param>
public sealed record TransitionResult(TransitionStatus Status, ChangeRequest Change, IReadOnlyList<DomainError> Errors)
{
    /// <summary>Whether the change moved.</summary>
    public bool IsApplied => Status == TransitionStatus.Applied;
}
