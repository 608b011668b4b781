using ChangeFlow.Engine.Descriptors;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Model;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Engine.Activities;

/// <summary>Publishes a named event that resumes waiting <c>Elsa.Event</c> activities (after this run ends).</summary>
public sealed class PublishEvent : Activity
{
    /// <summary>The event name.</summary>
    public static readonly InputDescriptor EventName = Inputs.String("eventName", "Event name", "The name of the event to publish.", required: true);

    /// <summary>Data carried by the event.</summary>
    public static readonly InputDescriptor Payload = Inputs.Of(DataType.Object, "payload", "Payload", "Data the event carries to whoever waits for it.");

    /// <summary>Whether only this instance receives it.</summary>
    public static readonly InputDescriptor IsLocalEvent = new("isLocalEvent", "Local", DataType.Boolean, "Deliver only to this workflow instance.", DefaultValue: false);

    /// <inheritdoc />
    public override ActivityDescriptor Descriptor { get; } = new(
        "Elsa.PublishEvent", "Primitives", "Publish Event", "Publish an event that resumes workflows waiting for it.", ActivityKind.Action, [EventName, Payload, IsLocalEvent], [], ActivityDescriptor.Done);

    /// <inheritdoc />
    public override async ValueTask ExecuteAsync(ActivityExecutionContext context)
    {
        var name = context.GetString(EventName);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new WorkflowFaultException("InvalidEventName", "The event name is empty.");
        }

        await context.Services.Events.PublishAsync(
            new PublishedEvent(name, context.Evaluate(Payload), context.Instance.Id, context.GetBoolean(IsLocalEvent)),
            context.CancellationToken);
        context.Complete();
    }
}
