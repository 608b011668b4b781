using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>Waits until the change's window opens (or another instant), then continues.</summary>
public sealed class AwaitWindow : ChangeActivity
{
    /// <summary>Overrides the instant waited for.</summary>
    public static readonly InputDescriptor At = Inputs.Of(DataType.DateTime, "at", "Opens at", "The instant to wait for; the change window's start by default.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.AwaitWindow", Category, "Await window", "Wait until the change's window opens.",
        ActivityKind.Blocking, [At], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var opens = context.GetInstant(At) ?? record.Change.Window?.Start
            ?? throw new WorkflowFaultException("NoWindow", $"{record.Number} has no window to wait for.");
        if (opens <= context.Now)
        {
            AddTimeline(context, record.Number, "window.opened", $"Window open since {Local(record, opens)}.");
            context.Complete();
            return;
        }

        CreateTimer(context, opens);
        AddTimeline(context, record.Number, "window.waiting", $"Waiting for the window to open at {Local(record, opens)}.");
    }

    /// <inheritdoc />
    public override async ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        AddTimeline(context, record.Number, "window.opened", $"Window opened at {Local(record, context.Now)}.");
        context.Complete();
    }
}
