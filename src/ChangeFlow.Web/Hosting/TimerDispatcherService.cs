using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Web.Hosting;

/// <summary>
/// Runs this node's <see cref="TimerDispatcher"/> while the host runs (when <c>ChangeFlow:Timers:Dispatcher</c> is
/// on). Every node runs one: claims keep them from firing the same timer.
/// </summary>
internal sealed class TimerDispatcherService : BackgroundService
{
    private readonly TimerDispatcher _dispatcher;

    public TimerDispatcherService(TimerDispatcher dispatcher)
    {
        _dispatcher = dispatcher;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _dispatcher.RunAsync(stoppingToken);
}
