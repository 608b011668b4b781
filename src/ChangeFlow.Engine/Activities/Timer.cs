using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>
/// Fires repeatedly at an interval: each time it is due it follows <c>Done</c> and sets the next timer. The next due
/// instant is counted from the previous one, not from when the timer actually fired, so it does not drift.
/// </summary>
public sealed class Timer : Activity
{
    /// <summary>The interval.</summary>
    public static readonly InputDescriptor Interval = Inputs.Of(DataType.TimeSpan, "interval", "Interval", "How often to fire (e.g. 01:00:00 or PT1H).", required: true);

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.Timer", "Scheduling", "Timer", "Continue the flow every time the interval elapses.", ActivityKind.Blocking, [Interval], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var interval = RequireInterval(context);
        TimerBookmarks.Create(context, context.Now + interval);
        return default;
    }

    /// <inheritdoc />
    public override ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        var interval = RequireInterval(context);
        var previous = context.ResumedBookmark?.DueAt ?? context.Now;
        var next = previous + interval;
        if (next <= context.Now)
        {
            // After downtime, fire once for the missed ticks and continue from now.
            next = context.Now + interval;
        }

        context.State["fired"] = (context.State["fired"]?.GetValue<int>() ?? 0) + 1;
        TimerBookmarks.Create(context, next);
        context.Complete();
        return default;
    }

    private static TimeSpan RequireInterval(ActivityExecutionContext context)
    {
        var interval = context.GetTimeSpan(Interval) ?? TimeSpan.Zero;
        return interval > TimeSpan.Zero
            ? interval
            : throw new WorkflowFaultException("InvalidInterval", $"The timer interval must be positive, not {interval}.");
    }
}
