using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Waits until an absolute instant; continues at once if that instant has passed.</summary>
public sealed class StartAt : Activity
{
    /// <summary>When to continue.</summary>
    public static readonly InputDescriptor DateTimeInput = Inputs.Of(DataType.DateTime, "dateTime", "Date and time", "The instant to continue at (ISO 8601 with an offset).", required: true);

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.StartAt", "Scheduling", "Start At", "Wait until a given date and time, then continue.", ActivityKind.Blocking, [DateTimeInput], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var due = context.GetInstant(DateTimeInput)
            ?? throw new WorkflowFaultException("InvalidDateTime", "The StartAt date and time is empty.");
        if (due <= context.Now)
        {
            context.Complete();
            return default;
        }

        TimerBookmarks.Create(context, due);
        return default;
    }
}
