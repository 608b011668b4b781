using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Application.Changes;

/// <summary>The answer a CI/CD pipeline gets when it asks whether it may deploy a change now.</summary>
/// <param name="Allowed">True only inside an authorized window of a change that has not been rolled back.</param>
/// <param name="Reason">Why, in one sentence a pipeline log can show.</param>
/// <param name="Change">The change number.</param>
/// <param name="State">The change's state.</param>
/// <param name="WindowStart">The window's start (UTC), when set.</param>
/// <param name="WindowEnd">The window's end (UTC), when set.</param>
/// <param name="RetryAfter">How long until the window opens, when it is authorized but not open yet.</param>
public sealed record DeployGateDecision(
    bool Allowed,
    string Reason,
    string Change,
    ChangeState State,
    DateTimeOffset? WindowStart,
    DateTimeOffset? WindowEnd,
    TimeSpan? RetryAfter);

/// <summary>
/// Decides whether deployment tooling may act on a change at an instant: the change must be authorized (Scheduled, or
/// already in Implement) and the instant inside its window. A change whose implementation is over — validated and
/// reviewed, rolled back or failed — closes the gate even inside the window, so a pipeline re-run cannot redeploy
/// what was just rolled back.
/// </summary>
public static class DeployGate
{
    /// <summary>Evaluates the gate for <paramref name="record"/> at <paramref name="now"/>.</summary>
    public static DeployGateDecision Evaluate(ChangeRecord record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        var change = record.Change;
        var window = change.Window;
        DeployGateDecision Decide(bool allowed, string reason, TimeSpan? retryAfter = null) =>
            new(allowed, reason, record.Number, change.State, window?.Start, window?.End, retryAfter);

        if (change.State is not (ChangeState.Scheduled or ChangeState.Implement))
        {
            return Decide(false, change.State switch
            {
                ChangeState.New or ChangeState.Assess or ChangeState.Authorize => $"{record.Number} is not authorized yet (state {change.State}).",
                ChangeState.Review or ChangeState.Closed => $"{record.Number} has left implementation (state {change.State}, outcome {change.Outcome?.ToString() ?? "none"}).",
                _ => $"{record.Number} is {change.State}; nothing may be deployed for it.",
            });
        }

        if (window is null)
        {
            return Decide(false, $"{record.Number} has no change window.");
        }

        if (now < window.Start)
        {
            return Decide(false, $"The window of {record.Number} opens at {window.Start:yyyy-MM-dd'T'HH:mm'Z'}.", window.Start - now);
        }

        if (now >= window.End)
        {
            return Decide(false, $"The window of {record.Number} closed at {window.End:yyyy-MM-dd'T'HH:mm'Z'}.");
        }

        if (change.RollbackDecisionPoint is { } decisionPoint && now >= decisionPoint && record.ValidatedAt is null)
        {
            return Decide(false, $"The hard rollback decision point of {record.Number} ({decisionPoint:yyyy-MM-dd'T'HH:mm'Z'}) passed without validation; only the rollback may proceed.");
        }

        return Decide(true, $"{record.Number} is authorized and its window is open until {window.End:yyyy-MM-dd'T'HH:mm'Z'}.");
    }
}
