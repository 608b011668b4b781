using System.Collections.Concurrent;
using ChangeFlow.Engine.Ports;

namespace ChangeFlow.Testing;

/// <summary>Ports that record what the engine hands them, for assertions.</summary>
public sealed class RecordingPorts : ITimerScheduler, IEmailSender, IEventPublisher, IWorkflowConsole
{
    /// <summary>Lines written by Elsa.WriteLine, in order.</summary>
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>Timers scheduled and not withdrawn, by bookmark id.</summary>
    public ConcurrentDictionary<string, TimerRequest> Timers { get; } = new();

    /// <summary>Every timer ever withdrawn.</summary>
    public ConcurrentQueue<TimerRequest> Unscheduled { get; } = new();

    /// <summary>Every e-mail sent.</summary>
    public ConcurrentQueue<EmailMessage> Emails { get; } = new();

    /// <summary>Every event published.</summary>
    public ConcurrentQueue<PublishedEvent> Events { get; } = new();

    /// <summary>When set, SendAsync throws this.</summary>
    public Exception? EmailFailure { get; set; }

    /// <inheritdoc />
    public ValueTask ScheduleAsync(TimerRequest request, CancellationToken cancellationToken)
    {
        Timers[request.BookmarkId] = request;
        return default;
    }

    /// <inheritdoc />
    public ValueTask UnscheduleAsync(TimerRequest request, CancellationToken cancellationToken)
    {
        Timers.TryRemove(request.BookmarkId, out _);
        Unscheduled.Enqueue(request);
        return default;
    }

    /// <inheritdoc />
    public ValueTask SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        if (EmailFailure is not null)
        {
            throw EmailFailure;
        }

        Emails.Enqueue(message);
        return default;
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(PublishedEvent published, CancellationToken cancellationToken)
    {
        Events.Enqueue(published);
        return default;
    }

    /// <inheritdoc />
    public void WriteLine(string instanceId, string text) => Lines.Enqueue(text);
}
