using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// The hard rollback decision point: Validated when the change is validated before it
/// (<see cref="ChangeStimuli.Validated"/>), otherwise RollBack at the deadline, automatically, with nobody online.
/// </summary>
public sealed class RollbackDecisionPoint : ChangeActivity
{
    /// <summary>Validated in time.</summary>
    public const string Validated = "Validated";

    /// <summary>Not validated by the deadline.</summary>
    public const string RollBack = "RollBack";

    /// <summary>Overrides the dossier's decision point.</summary>
    public static readonly InputDescriptor Deadline = Inputs.Of(DataType.DateTime, "deadline", "Deadline", "The decision point; by default the dossier's hard rollback decision point, else the window's end.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.RollbackDecisionPoint", Category, "Rollback decision point",
        "Roll back at the hard decision point unless the change was validated before it.",
        ActivityKind.Blocking, [Deadline], [], [Validated, RollBack]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var deadline = DeadlineOf(context, record);
        context.State["deadline"] = deadline.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        if (!Decide(context, record, deadline))
        {
            AddTimeline(context, record.Number, "rollback-decision.armed", $"Hard rollback decision point at {Local(record, deadline)}: validate before it or the change is rolled back.");
            EnsureWaiting(context, ChangeStimuli.Validated, ChangeStimuli.ChangePayload(record.Number), deadline);
        }
    }

    /// <inheritdoc />
    public override async ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var deadline = DateTimeOffset.Parse(context.State["deadline"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        if (!Decide(context, record, deadline))
        {
            EnsureWaiting(context, ChangeStimuli.Validated, ChangeStimuli.ChangePayload(record.Number), deadline);
        }
    }

    private static DateTimeOffset DeadlineOf(ActivityExecutionContext context, ChangeRecord record) =>
        context.GetInstant(Deadline) ?? record.Change.RollbackDeadline
        ?? throw new WorkflowFaultException("NoDecisionPoint", $"{record.Number} has no hard rollback decision point, no window and no deadline was given.");

    private static bool Decide(ActivityExecutionContext context, ChangeRecord record, DateTimeOffset deadline)
    {
        if (record.ValidatedAt is { } validated && validated <= deadline)
        {
            context.RemoveOwnBookmarks();
            AddTimeline(context, record.Number, "rollback-decision.validated", $"Validated by {record.ValidatedBy} at {Local(record, validated)}, before the decision point {Local(record, deadline)}.");
            context.Complete(Validated);
            return true;
        }

        if (context.Now >= deadline)
        {
            context.RemoveOwnBookmarks();
            AddTimeline(context, record.Number, "rollback-decision.rollback", $"Not validated by {Local(record, deadline)}: rolling back, no exceptions.");
            context.Complete(RollBack);
            return true;
        }

        return false;
    }
}
