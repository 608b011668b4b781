using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Application.Changes.Activities;

/// <summary>
/// Waits until the change's window opens (or another instant), then continues. When the window moves meanwhile
/// (<see cref="ChangeStimuli.WindowMoved"/>), the wait follows it.
/// </summary>
public sealed class AwaitWindow : ChangeActivity
{
    /// <summary>Overrides the instant waited for.</summary>
    public static readonly InputDescriptor At = Inputs.Of(DataType.DateTime, "at", "Opens at", "The instant to wait for; the change window's start by default (and then it follows the window when it moves).");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "ChangeFlow.AwaitWindow", Category, "Await window", "Wait until the change's window opens, following the window if it moves.",
        ActivityKind.Blocking, [At], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        var given = context.GetInstant(At);
        var opens = given ?? record.Change.Window?.Start
            ?? throw new WorkflowFaultException("NoWindow", $"{record.Number} has no window to wait for.");
        context.State["follows"] = given is null;
        context.State["opens"] = opens.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        if (opens <= context.Now)
        {
            AddTimeline(context, record.Number, "window.opened", $"Window open since {Local(record, opens)}.");
            context.Complete();
            return;
        }

        Wait(context, record, opens);
        AddTimeline(context, record.Number, "window.waiting", $"Waiting for the window to open at {Local(record, opens)}.");
    }

    /// <inheritdoc />
    public override async ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var record = await LoadChangeAsync(context);
        if (ResumedByTimer(context))
        {
            context.RemoveOwnBookmarks();
            AddTimeline(context, record.Number, "window.opened", $"Window opened at {Local(record, context.Now)}.");
            context.Complete();
            return;
        }

        // The window moved: wait for its new start (a fixed "at" does not move).
        var follows = context.State["follows"]?.GetValue<bool>() ?? true;
        var opens = follows
            ? record.Change.Window?.Start
            : DateTimeOffset.Parse(context.State["opens"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        if (opens is null || opens <= context.Now)
        {
            context.RemoveOwnBookmarks();
            AddTimeline(context, record.Number, "window.opened", $"Window open since {Local(record, opens ?? context.Now)}.");
            context.Complete();
            return;
        }

        Wait(context, record, opens.Value);
        AddTimeline(context, record.Number, "window.waiting", $"The window moved: waiting for it to open at {Local(record, opens.Value)}.");
    }

    private static void Wait(ActivityExecutionContext context, ChangeRecord record, DateTimeOffset opens) =>
        EnsureWaiting(context, ChangeStimuli.WindowMoved, ChangeStimuli.ChangePayload(record.Number), opens);
}
