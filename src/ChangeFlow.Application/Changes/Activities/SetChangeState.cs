using System.Text.Json.Nodes;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Moves the change to another state of its lifecycle; a move the lifecycle refuses faults the activity. The
/// communication plan follows the lifecycle in the same run: entering Scheduled queues its timed notices, recording an
/// outcome sends its "on outcome" rows, and Canceled withdraws pending notices and tells who was told.
/// </summary>
public sealed class SetChangeState : ChangeActivity
{
    /// <summary>The state to move to.</summary>
    public static readonly InputDescriptor State = Inputs.Of(DataType.Enum, "state", "Target state", "The state to move the change to.", required: true)
        with { Options = Enum.GetNames<ChangeState>() };

    /// <summary>The outcome, required when leaving Implement.</summary>
    public static readonly InputDescriptor Outcome = Inputs.Of(DataType.Enum, "outcome", "Outcome", "How the implementation ended; required when leaving Implement.")
        with { Options = Enum.GetNames<ChangeOutcome>() };

    /// <summary>Why; required for Rejected and Canceled.</summary>
    public static readonly InputDescriptor Note = Inputs.String("note", "Note", "Why the change moves; required for Rejected and Canceled.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.SetChangeState", Category, "Set change state", "Move the change to another state of its lifecycle, recording who, when and why.",
        ActivityKind.Action, [State, Outcome, Note], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var target = Enum.Parse<ChangeState>(context.GetString(State) ?? string.Empty, ignoreCase: true);
        var outcomeText = context.GetString(Outcome);
        ChangeOutcome? outcome = string.IsNullOrWhiteSpace(outcomeText) ? null : Enum.Parse<ChangeOutcome>(outcomeText, ignoreCase: true);
        var note = context.GetString(Note);
        var record = await LoadChangeAsync(context);
        var change = record.Change;
        if (change.State == target)
        {
            context.Complete();
            return;
        }

        var result = change.Transition(change.State, target, context.Now, Actor(context), outcome, string.IsNullOrWhiteSpace(note) ? null : note);
        if (!result.IsApplied)
        {
            throw new WorkflowFaultException("TransitionRefused", $"{record.Number} cannot go from {change.State} to {target}: {string.Join("; ", result.Errors)}");
        }

        var moved = record with { Change = result.Change };
        SaveChange(context, moved);
        var summary = outcome is { } o ? $"{change.State} → {target} ({o})" : $"{change.State} → {target}";
        AddTimeline(context, record.Number, "change.state", string.IsNullOrWhiteSpace(note) ? summary : $"{summary}: {note}", new JsonObject
        {
            ["from"] = change.State.ToString(),
            ["to"] = target.ToString(),
            ["outcome"] = outcome?.ToString(),
        });
        if (target == ChangeState.Scheduled)
        {
            await StageNoticesAsync(context, moved, n => n.ScheduleAsync(moved, context.Now, context.CancellationToken));
        }
        else if (target == ChangeState.Canceled)
        {
            await StageNoticesAsync(context, moved, n => n.CancelAsync(moved, note, context.Now, context.CancellationToken));
        }
        else if (change.Outcome is null && result.Change.Outcome is not null)
        {
            await StageNoticesAsync(context, moved, n => n.OutcomeAsync(moved, context.Now, context.CancellationToken));
        }

        context.Complete();
    }
}
