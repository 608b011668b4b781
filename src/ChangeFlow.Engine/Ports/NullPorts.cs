namespace ChangeFlow.Engine.Ports;

/// <summary>Port implementations that do nothing, for hosts that do not use a port.</summary>
public sealed class NullPorts : ITimerScheduler, IEmailSender, IEventPublisher, IWorkflowConsole
{
    /// <summary>The shared instance.</summary>
    public static NullPorts Instance { get; } = new();

    /// <inheritdoc />
    public ValueTask ScheduleAsync(TimerRequest request, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask UnscheduleAsync(TimerRequest request, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask SendAsync(EmailMessage message, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public ValueTask PublishAsync(PublishedEvent published, CancellationToken cancellationToken) => default;

    /// <inheritdoc />
    public void WriteLine(string instanceId, string text)
    {
    }
}
