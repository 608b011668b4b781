using System.Text.Json.Nodes;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Runs the rollback procedure: follows the reports on its steps (<see cref="ChangeStimuli.RollbackStepReport"/>,
/// ids <c>rb-1</c>, <c>rb-2</c>...) and ends RolledBack when all are done, or Failed when the deadline (the window's
/// end by default) passes first.
/// </summary>
public sealed class PerformRollback : ChangeActivity
{
    /// <summary>Every rollback step is done.</summary>
    public const string RolledBack = "RolledBack";

    /// <summary>The rollback did not finish in time.</summary>
    public const string Failed = "Failed";

    /// <summary>Why the rollback runs.</summary>
    public static readonly InputDescriptor Reason = Inputs.String("reason", "Reason", "Why the change is rolled back (shown in the timeline).");

    /// <summary>When the rollback counts as failed.</summary>
    public static readonly InputDescriptor Deadline = Inputs.Of(DataType.DateTime, "deadline", "Deadline", "When an unfinished rollback counts as failed; the window's end by default.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.PerformRollback", Category, "Perform rollback",
        "Track the rollback procedure's steps until all are done, or fail when the deadline passes first.",
        ActivityKind.Blocking, [Reason, Deadline], [], [RolledBack, Failed]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var loaded = await LoadChangeAsync(context);
        var steps = loaded.Change.RollbackProcedure?.Steps ?? [];
        var reason = context.GetString(Reason);

        // The record says a rollback is under way (and since when, and who set it off), so the change page and the
        // API show it without reading the timeline.
        var record = loaded with { RollbackStartedAt = context.Now, RollbackStartedBy = Actor(context), RollbackReason = reason };
        SaveChange(context, record);
        AddTimeline(context, record.Number, "rollback.started", $"Rollback started{(string.IsNullOrWhiteSpace(reason) ? string.Empty : $": {reason}")}; {steps.Count} step(s).", new JsonObject { ["reason"] = reason });
        var deadline = context.GetInstant(Deadline) ?? record.Change.Window?.End;
        context.State["deadline"] = deadline?.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        Evaluate(context, record, deadline);
    }

    /// <inheritdoc />
    public override async ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        if (ResumedByTimer(context))
        {
            context.RemoveOwnBookmarks();
            AddTimeline(context, record.Number, "rollback.failed", $"The rollback was not complete by {Local(record, context.Now)}.");
            context.Complete(Failed);
            return;
        }

        var deadline = context.State["deadline"] is JsonValue d ? DateTimeOffset.Parse(d.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) : (DateTimeOffset?)null;
        Evaluate(context, record, deadline);
    }

    private static void Evaluate(ActivityExecutionContext context, ChangeRecord record, DateTimeOffset? deadline)
    {
        var steps = record.Change.RollbackProcedure?.Steps ?? [];
        var done = record.RollbackSteps.Where(p => p.Status == StepStatus.Done).Select(p => p.StepId).ToHashSet(StringComparer.Ordinal);
        if (steps.Select((_, i) => ChangeStimuli.RollbackStepId(i)).All(done.Contains))
        {
            context.RemoveOwnBookmarks();
            AddTimeline(context, record.Number, "rollback.completed", $"All {steps.Count} rollback step(s) done: previous state restored.");
            context.Complete(RolledBack);
            return;
        }

        EnsureWaiting(context, ChangeStimuli.RollbackStepReport, ChangeStimuli.ChangePayload(record.Number), deadline > context.Now ? deadline : null);
    }
}
