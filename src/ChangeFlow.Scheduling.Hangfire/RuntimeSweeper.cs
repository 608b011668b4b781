using ChangeFlow.Application.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Scheduling.Hangfire;

/// <summary>
/// Runs the runtime's sweep at start-up and then periodically: timers whose job was lost (Hangfire storage wiped,
/// a node killed mid-job) are fired again, and stuck stimuli are retried. The bookmark table is the truth.
/// </summary>
public sealed partial class RuntimeSweeper : BackgroundService
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly RuntimeOptions _options;
    private readonly ILogger<RuntimeSweeper> _logger;

    public RuntimeSweeper(IServiceProvider services, TimeProvider time, IOptions<RuntimeOptions> options, ILogger<RuntimeSweeper> logger)
    {
        _services = services;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _time);
        do
        {
            try
            {
                var repaired = await _services.GetRequiredService<WorkflowRuntime>().SweepAsync(stoppingToken);
                if (repaired > 0)
                {
                    LogRepaired(_logger, repaired);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed sweep is logged and tried again at the next tick.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogSweepFailed(_logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sweep rescheduled {Count} overdue timers or stimuli.")]
    private static partial void LogRepaired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweep failed; retrying at the next interval.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
