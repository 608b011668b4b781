using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Workflows;

/// <summary>
/// Fires due timers straight from the bookmark table: every node runs one, polling every
/// <see cref="TimerOptions.PollInterval"/>, claiming a batch of due timers with a lease (so two nodes never hold the
/// same timer) and firing it through <see cref="WorkflowRuntime.FireTimerAsync(string, string, CancellationToken)"/> with bounded parallelism.
/// </summary>
/// <remarks>
/// Why not only Hangfire: one Hangfire job per timer moves each timer through Hangfire's schedule, queue and states
/// (several writes and a distributed lock each), which saturated at about 50–75 timers a second on two cores; a claim
/// is one statement per batch. Hangfire stays the durable backstop: each timer's job still exists, due
/// <see cref="TimerOptions.BackstopDelay"/> later, and is deleted when the dispatcher fires the timer (or finds the
/// bookmark consumed). Firing is idempotent and commits under optimistic concurrency, so a timer fired by the
/// dispatcher and by its job, or by two dispatchers after a lease ran out, still resumes its instance once.
/// <para>
/// The fired timers' jobs are deleted by a worker of their own (<see cref="RunAsync"/>), not on the firing path: a
/// Hangfire delete (a state change under a distributed lock) takes longer than the run that fires the timer, and on
/// Hangfire's SQLite storage it limited firing to about 100 timers a second. A job not yet deleted when it comes due
/// finds its bookmark consumed and does nothing.
/// </para>
/// </remarks>
public sealed partial class TimerDispatcher
{
    /// <summary>Job ids waiting for deletion; beyond this many, a job is left to run (as a no-op) instead.</summary>
    private const int MaxQueuedDeletions = 100_000;

    private readonly WorkflowRuntime _runtime;
    private readonly IWorkflowInstanceStore _instances;
    private readonly IJobScheduler _jobs;
    private readonly Channel<string> _firedJobs = Channel.CreateBounded<string>(
        new BoundedChannelOptions(MaxQueuedDeletions) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = false });
    private readonly TimeProvider _time;
    private readonly TimerOptions _options;
    private readonly ILogger<TimerDispatcher> _logger;

    /// <param name="runtime">Fires each claimed timer.</param>
    /// <param name="instances">Claims due timers.</param>
    /// <param name="jobs">Deletes the jobs of the timers fired.</param>
    /// <param name="time">The clock due instants and leases are compared with.</param>
    /// <param name="options">Batch size, parallelism, lease and poll interval.</param>
    /// <param name="logger">Logs failed claims and firings.</param>
    /// <param name="nodeName">This node's name; the claim owner is it plus a per-instance suffix.</param>
    public TimerDispatcher(
        WorkflowRuntime runtime,
        IWorkflowInstanceStore instances,
        IJobScheduler jobs,
        TimeProvider time,
        IOptions<TimerOptions> options,
        ILogger<TimerDispatcher> logger,
        string? nodeName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _runtime = runtime;
        _instances = instances;
        _jobs = jobs;
        _time = time;
        _options = options.Value;
        _logger = logger;
        var node = string.IsNullOrWhiteSpace(nodeName) ? $"{Environment.MachineName}:{Environment.ProcessId}" : nodeName;
        var suffix = "/" + Guid.NewGuid().ToString("N")[..8];
        Owner = (node.Length > 150 ? node[..150] : node) + suffix;
    }

    /// <summary>Who this dispatcher's claims name (<c>ClaimedBy</c>): the node name and a per-instance suffix.</summary>
    public string Owner { get; }

    /// <summary>
    /// Claims one batch of due timers and fires them; returns how many were claimed. A timer whose firing fails keeps
    /// its claim until the lease runs out and is then claimed again (here or on another node).
    /// </summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var claimed = await _instances.ClaimDueTimersAsync(Owner, now, now + _options.Lease, _options.BatchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            return 0;
        }

        await Parallel.ForEachAsync(
            claimed,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken },
            async (timer, ct) =>
            {
                try
                {
                    await _runtime.FireTimerAsync(timer.InstanceId, timer.BookmarkId, keepTimerJob: true, ct);
                    if (timer.JobId is { } jobId)
                    {
                        // Fired now or before (a consumed bookmark): either way the job has nothing left to do.
                        _firedJobs.Writer.TryWrite(jobId);
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // One timer's failure must not stop the batch; its lease runs out and it is fired again.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    LogFireFailed(_logger, ex, timer.BookmarkId, timer.InstanceId);
                }
            });
        return claimed.Count;
    }

    /// <summary>
    /// Deletes the jobs of the timers fired so far, <see cref="TimerOptions.Parallelism"/> at a time; returns how many.
    /// <see cref="RunAsync"/> does this continuously.
    /// </summary>
    public async Task<int> DeleteFiredJobsAsync(CancellationToken cancellationToken)
    {
        var batch = new List<string>();
        while (_firedJobs.Reader.TryRead(out var jobId))
        {
            batch.Add(jobId);
        }

        await Parallel.ForEachAsync(
            batch,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken },
            (jobId, ct) => new ValueTask(DeleteJobAsync(jobId, ct)));
        return batch.Count;
    }

    /// <summary>
    /// Dispatches until <paramref name="cancellationToken"/> is cancelled: a full batch is followed by the next claim at
    /// once, anything less by a pause of <see cref="TimerOptions.PollInterval"/>; meanwhile the fired timers' jobs are
    /// deleted. Runs interrupted by cancellation commit nothing; their timers are claimed again when the lease runs
    /// out. Jobs not deleted by then run when due and do nothing.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var deleting = Task.Run(
            () => Parallel.ForEachAsync(
                _firedJobs.Reader.ReadAllAsync(cancellationToken),
                new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken },
                (jobId, ct) => new ValueTask(DeleteJobAsync(jobId, ct))),
            CancellationToken.None);
        try
        {
            await DispatchUntilCancelledAsync(cancellationToken);
        }
        finally
        {
            try
            {
                await deleting;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }
    }

    private async Task DeleteJobAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            await _jobs.DeleteAsync(jobId, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A job left behind runs when due and finds its bookmark consumed.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogDeleteFailed(_logger, ex, jobId);
        }
    }

    private async Task DispatchUntilCancelledAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await DispatchOnceAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed claim (database unavailable) is logged and tried again after the poll interval.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogClaimFailed(_logger, ex);
            }

            if (claimed >= _options.BatchSize)
            {
                continue;
            }

            try
            {
                await Task.Delay(_options.PollInterval, _time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firing timer {BookmarkId} of instance {InstanceId} failed; it is fired again when its claim runs out.")]
    private static partial void LogFireFailed(ILogger logger, Exception exception, string bookmarkId, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleting job {JobId} of a fired timer failed; it runs when due and does nothing.")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming due timers failed; retrying after the poll interval.")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);
}
