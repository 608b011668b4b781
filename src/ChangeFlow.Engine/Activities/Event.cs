using System.Text.Json.Nodes;
using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;

namespace ChangeFlow.Engine.Activities;

/// <summary>Waits for a named event; the event's payload becomes the <c>result</c> output.</summary>
public sealed class Event : Activity
{
    /// <summary>The bookmark name stimuli use.</summary>
    public const string BookmarkName = "Elsa.Event";

    /// <summary>The event to wait for.</summary>
    public static readonly InputDescriptor EventName = Inputs.String("eventName", "Event name", "The name of the event to wait for.", required: true);

    /// <summary>The payload the event carried.</summary>
    public static readonly OutputDescriptor Result = new("result", DataType.Object, "The payload the event carried.");

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.Event", "Primitives", "Event", "Wait until an event with the given name is published.", ActivityKind.Blocking, [EventName], [Result], ActivityDescriptor.Done);

    /// <summary>The payload a stimulus for <paramref name="eventName"/> must carry to match.</summary>
    public static JsonObject StimulusPayload(string eventName) => new() { ["eventName"] = eventName };

    /// <inheritdoc />
    public override ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var name = context.GetString(EventName);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new WorkflowFaultException("InvalidEventName", "The event name is empty.");
        }

        context.CreateBookmark(StimulusPayload(name), name: BookmarkName);
        return default;
    }

    /// <inheritdoc />
    public override ValueTask ResumeAsync(ActivityExecutionContext context)
    {
        context.SetOutput(Result.Name, context.ResumeInput);
        context.Complete();
        return default;
    }
}
