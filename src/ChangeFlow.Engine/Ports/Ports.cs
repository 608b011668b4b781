using System.Text.Json.Nodes;

namespace ChangeFlow.Engine.Ports;

/// <summary>A timer to fire: resume <paramref name="BookmarkId"/> of <paramref name="InstanceId"/> at <paramref name="DueAt"/>.</summary>
public sealed record TimerRequest(string InstanceId, string BookmarkId, DateTimeOffset DueAt);

/// <summary>
/// Schedules timer bookmarks. The engine calls it while a run creates or cancels timer bookmarks; a durable host
/// defers the calls until the run is committed, since the bookmark table is the source of truth.
/// </summary>
public interface ITimerScheduler
{
    /// <summary>Asks for <paramref name="request"/> to resume its bookmark when due.</summary>
    ValueTask ScheduleAsync(TimerRequest request, CancellationToken cancellationToken);

    /// <summary>Withdraws a timer whose bookmark was consumed or cancelled.</summary>
    ValueTask UnscheduleAsync(TimerRequest request, CancellationToken cancellationToken);
}

/// <summary>An e-mail produced by a workflow.</summary>
public sealed record EmailMessage(
    string? From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    string Subject,
    string Body,
    string InstanceId,
    string ActivityId);

/// <summary>Hands e-mails to whatever delivers them (an outbox in the service, a list in tests, stdout in the CLI).</summary>
public interface IEmailSender
{
    /// <summary>Accepts a message for delivery.</summary>
    ValueTask SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>An event published by <c>Elsa.PublishEvent</c>.</summary>
public sealed record PublishedEvent(string EventName, JsonNode? Payload, string SourceInstanceId, bool IsLocal);

/// <summary>Delivers published events to waiting <c>Elsa.Event</c> bookmarks (after the publishing run ends).</summary>
public interface IEventPublisher
{
    /// <summary>Accepts an event for delivery.</summary>
    ValueTask PublishAsync(PublishedEvent published, CancellationToken cancellationToken);
}

/// <summary>Receives the text of <c>Elsa.WriteLine</c>.</summary>
public interface IWorkflowConsole
{
    /// <summary>Writes one line for an instance.</summary>
    void WriteLine(string instanceId, string text);
}
