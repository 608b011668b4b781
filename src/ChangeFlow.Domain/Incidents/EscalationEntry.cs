namespace ChangeFlow.Domain.Incidents;

/// <summary>One escalation applied to an incident, for audit.</summary>
/// <param name="LevelId">The policy level applied, or null for an escalation beyond the policy's levels.</param>
/// <param name="Kind">Functional or hierarchical.</param>
/// <param name="At">When.</param>
/// <param name="By">Who asked for it (<c>system</c> for a trigger).</param>
/// <param name="Reason">Why, e.g. "resolution 75 % used" or the agent's words.</param>
/// <param name="FromGroup">For a functional escalation: the group it left.</param>
/// <param name="ToGroup">For a functional escalation: the group it went to.</param>
/// <param name="Notify">Whom it notified, as recipient specs (team-manager, head-of-it ...).</param>
/// <param name="Manual">Whether a person applied it.</param>
public sealed record EscalationEntry(
    string? LevelId,
    EscalationKind Kind,
    DateTimeOffset At,
    string By,
    string Reason,
    string? FromGroup,
    string? ToGroup,
    IReadOnlyList<string> Notify,
    bool Manual);
