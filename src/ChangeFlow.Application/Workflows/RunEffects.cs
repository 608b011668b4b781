using ChangeFlow.Engine.Ports;
using Microsoft.Extensions.Logging;

namespace ChangeFlow.Application.Workflows;

/// <summary>
/// Collects what one run asks of the outside world, so that it becomes real only once the run is committed:
/// timers are scheduled after the commit, e-mails and published events are written in the commit itself.
/// </summary>
internal sealed partial class RunEffects : ITimerScheduler, IEmailSender, IEventPublisher, IWorkflowConsole
{
    private readonly ILogger _logger;

    public RunEffects(ILogger logger, string? actor = null)
    {
        _logger = logger;
        Session = new RunSession(actor);
    }

    /// <summary>The run's domain writes and read cache.</summary>
    public RunSession Session { get; }

    public List<TimerRequest> Scheduled { get; } = [];

    public List<TimerRequest> Unscheduled { get; } = [];

    public List<EmailMessage> Emails { get; } = [];

    public List<PublishedEvent> Events { get; } = [];

    public ValueTask ScheduleAsync(TimerRequest request, CancellationToken cancellationToken)
    {
        Scheduled.Add(request);
        return default;
    }

    public ValueTask UnscheduleAsync(TimerRequest request, CancellationToken cancellationToken)
    {
        if (Scheduled.RemoveAll(t => t.BookmarkId == request.BookmarkId) == 0)
        {
            Unscheduled.Add(request);
        }

        return default;
    }

    public ValueTask SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Emails.Add(message);
        return default;
    }

    public ValueTask PublishAsync(PublishedEvent published, CancellationToken cancellationToken)
    {
        Events.Add(published);
        return default;
    }

    public void WriteLine(string instanceId, string text) => LogWriteLine(_logger, instanceId, text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow {InstanceId}: {Text}")]
    private static partial void LogWriteLine(ILogger logger, string instanceId, string text);
}
