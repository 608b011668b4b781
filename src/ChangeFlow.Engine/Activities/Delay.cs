using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Waits for a duration: a timer bookmark due at an absolute instant, handed to the scheduler port.</summary>
public sealed class Delay : Activity
{
    /// <summary>How long to wait.</summary>
    public static readonly InputDescriptor TimeSpanInput = Inputs.Of(DataType.TimeSpan, "timeSpan", "Duration", "How long to wait (e.g. 00:30:00 or PT30M).", required: true);

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.Delay", "Scheduling", "Delay", "Wait for a given amount of time before continuing.", ActivityKind.Blocking, [TimeSpanInput], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var span = context.GetTimeSpan(TimeSpanInput) ?? TimeSpan.Zero;
        if (span <= TimeSpan.Zero)
        {
            context.Complete();
            return default;
        }

        TimerBookmarks.Create(context, context.Now + span);
        return default;
    }
}

/// <summary>The shape of timer bookmarks: payload <c>{"dueAt": "..."}</c> and a due instant the scheduler reads.</summary>
internal static class TimerBookmarks
{
    public static Bookmark Create(ActivityExecutionContext context, DateTimeOffset dueAt) =>
        context.CreateBookmark(
            new JsonObject { ["dueAt"] = dueAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture) },
            dueAt.ToUniversalTime());
}
