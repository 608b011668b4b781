using System.Text.Json.Nodes;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Follows the implementers' step reports (<see cref="ChangeStimuli.StepReport"/>): Completed once every plan step is
/// done; Failed when a required checkpoint reported failed is not resolved (reported done) within the resolution
/// time — the seed's 30 minutes — which takes the workflow to the rollback path.
/// </summary>
public sealed class AwaitCheckpoints : ChangeActivity
{
    /// <summary>Every step is done.</summary>
    public const string Completed = "Completed";

    /// <summary>A failed checkpoint was not resolved in time.</summary>
    public const string Failed = "Failed";

    /// <summary>How long a failed checkpoint may take to be resolved.</summary>
    public static readonly InputDescriptor ResolutionTime = new(
        "resolutionTime", "Resolution time", DataType.TimeSpan, "How long a failed required checkpoint may stay unresolved before the rollback path is taken.",
        DefaultValue: JsonValue.Create("PT30M"));

    /// <summary>The step that failed.</summary>
    public static readonly OutputDescriptor FailedStep = new("failedStep", DataType.String, "The id of the checkpoint that was not resolved in time.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.AwaitCheckpoints", Category, "Await checkpoints",
        "Track the implementation plan's steps as implementers report them; fail when a required checkpoint is not resolved in time.",
        ActivityKind.Blocking, [ResolutionTime], [FailedStep], [Completed, Failed]);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var steps = record.Change.ImplementationPlan.Steps;
        AddTimeline(context, record.Number, "checkpoints.tracking", $"Tracking {steps.Count} steps, {steps.Count(s => s.RequiredToProceed)} of them required checkpoints.");
        Evaluate(context, record);
    }

    /// <inheritdoc />
    public override async ValueTask ResumeAsync(ActivityExecutionContext context) => Evaluate(context, await LoadChangeAsync(context));

    private static void Evaluate(ActivityExecutionContext context, ChangeRecord record)
    {
        var resolution = context.GetTimeSpan(ResolutionTime) ?? TimeSpan.FromMinutes(30);
        var steps = record.Change.ImplementationPlan.Steps;
        var progress = record.Steps.ToDictionary(p => p.StepId, StringComparer.Ordinal);
        if (steps.Count > 0 && steps.Select((_, i) => record.Change.ImplementationPlan.IdOf(i)).All(id => progress.TryGetValue(id, out var p) && p.Status == StepStatus.Done))
        {
            context.RemoveOwnBookmarks();
            AddTimeline(context, record.Number, "checkpoints.completed", $"All {steps.Count} steps are done.");
            context.Complete(Completed);
            return;
        }

        DateTimeOffset? earliest = null;
        var announced = context.State["announced"] as JsonArray ?? [];
        for (var i = 0; i < steps.Count; i++)
        {
            var id = record.Change.ImplementationPlan.IdOf(i);
            if (!steps[i].RequiredToProceed || !progress.TryGetValue(id, out var report) || report.Status != StepStatus.Failed)
            {
                continue;
            }

            var deadline = report.At + resolution;
            if (deadline <= context.Now)
            {
                context.RemoveOwnBookmarks();
                context.SetOutput(FailedStep.Name, id);
                AddTimeline(context, record.Number, "checkpoint.unresolved", $"Checkpoint {id} ({steps[i].Description}) failed at {Local(record, report.At)} and was not resolved within {resolution.TotalMinutes:0} min: rollback.", new JsonObject { ["stepId"] = id });
                context.Complete(Failed);
                return;
            }

            var key = $"{id}@{report.At:O}";
            if (!announced.Any(a => a?.GetValue<string>() == key))
            {
                announced.Add(key);
                AddTimeline(context, record.Number, "checkpoint.failed", $"Checkpoint {id} failed{(report.Note is { Length: > 0 } note ? $" ({note})" : string.Empty)}; rollback unless resolved by {Local(record, deadline)}.", new JsonObject { ["stepId"] = id });
            }

            earliest = earliest is { } e && e < deadline ? e : deadline;
        }

        context.State["announced"] = announced;
        EnsureWaiting(context, ChangeStimuli.StepReport, ChangeStimuli.ChangePayload(record.Number), earliest);
    }
}
