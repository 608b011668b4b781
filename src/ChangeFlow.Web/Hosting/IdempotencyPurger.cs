using ChangeFlow.Application.Security;

namespace ChangeFlow.Web.Hosting;

/// <summary>
/// Deletes expired idempotency records every <see cref="IdempotencyOptions.PurgeInterval"/>. Every node runs it: the
/// delete is one statement and deleting twice is harmless. Expired records are ignored anyway; this only keeps the
/// table small.
/// </summary>
internal sealed partial class IdempotencyPurger : BackgroundService
{
    private readonly IdempotencyService _idempotency;
    private readonly TimeProvider _time;
    private readonly ILogger<IdempotencyPurger> _logger;

    public IdempotencyPurger(IdempotencyService idempotency, TimeProvider time, ILogger<IdempotencyPurger> logger)
    {
        _idempotency = idempotency;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_idempotency.Options.PurgeInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var purged = await _idempotency.PurgeExpiredAsync(stoppingToken);
                    if (purged > 0)
                    {
                        LogPurged(_logger, purged);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
#pragma warning disable CA1031 // A failed purge is logged and tried again at the next tick.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogPurgeFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Purged {Count} expired idempotency records.")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Purging idempotency records failed; retrying at the next interval.")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}
