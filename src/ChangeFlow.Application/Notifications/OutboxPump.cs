using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Notifications;

/// <summary>
/// Decides when this node queues an outbox dispatch job: at once when a commit on this node queued messages
/// (<see cref="IOutboxSignal.MessagesQueued"/>), and otherwise every <see cref="MailOptions.PollInterval"/> when the
/// outbox has due messages nobody holds. At most one job queued from this node is pending at a time.
/// </summary>
/// <remarks>
/// Why both: the nudge makes a message queued by a run on this node go out as soon as its job is picked up (within
/// Hangfire's queue polling), without waiting for a poll. The poll is what makes the outbox table, not Hangfire, the
/// truth: it finds scheduled messages coming due (within one interval of their time), retries whose back-off ended,
/// messages queued on other nodes, claims left by a node that died, and everything after Hangfire's storage was
/// wiped; it costs one indexed lookup per node per interval. The job itself runs on whichever node's Hangfire server
/// takes it, so only job nodes talk to the mail server, and sending shows in the Hangfire dashboard.
/// </remarks>
public sealed partial class OutboxPump : IOutboxSignal, IDisposable
{
    private readonly IOutboxDeliveryStore _store;
    private readonly IOutboxJobs _jobs;
    private readonly TimeProvider _time;
    private readonly MailOptions _options;
    private readonly ILogger<OutboxPump> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private string? _pendingJob;

    /// <param name="store">Answers whether anything is due.</param>
    /// <param name="jobs">Queues the dispatch job.</param>
    /// <param name="time">The clock of the poll.</param>
    /// <param name="options">The poll interval.</param>
    /// <param name="logger">Logs failed looks.</param>
    public OutboxPump(IOutboxDeliveryStore store, IOutboxJobs jobs, TimeProvider time, IOptions<MailOptions> options, ILogger<OutboxPump> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _jobs = jobs;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    public void MessagesQueued()
    {
        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // The host is stopping; its pump no longer runs.
        }
        catch (SemaphoreFullException)
        {
            // Already woken; one look covers every message committed so far.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _wake.Dispose();

    /// <summary>
    /// Looks once: queues a dispatch job when something is due and no job queued from here is still pending.
    /// Returns the job id queued, or null.
    /// </summary>
    public async Task<string?> PumpOnceAsync(CancellationToken cancellationToken)
    {
        if (_pendingJob is { } pending && await _jobs.IsPendingAsync(pending, cancellationToken))
        {
            return null;
        }

        _pendingJob = null;
        if (!await _store.HasDueAsync(_time.GetUtcNow(), cancellationToken))
        {
            return null;
        }

        _pendingJob = await _jobs.EnqueueDispatchAsync(cancellationToken);
        return _pendingJob;
    }

    /// <summary>Looks after every nudge and every poll interval until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await PumpOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed look (database or job storage unavailable) is logged and repeated at the next poll.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPumpFailed(_logger, ex);
            }

            try
            {
                using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var delay = Task.Delay(_options.PollInterval, _time, poll.Token);
                var nudge = _wake.WaitAsync(poll.Token);
                await Task.WhenAny(delay, nudge);
                await poll.CancelAsync();
                await Task.WhenAll(Quietly(delay), Quietly(nudge));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for due outbox messages failed; looking again at the next poll.")]
    private static partial void LogPumpFailed(ILogger logger, Exception exception);
}
