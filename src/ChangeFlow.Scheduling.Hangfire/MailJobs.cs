using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Workflows;
using Hangfire;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Scheduling.Hangfire;

/// <summary>The outbox dispatch job: no arguments, because the outbox table says what is due.</summary>
public sealed class MailJobs
{
    private readonly OutboxDispatcher _dispatcher;
    private readonly bool _enabled;

    /// <param name="dispatcher">This node's dispatcher.</param>
    /// <param name="options">Whether mail delivery is enabled.</param>
    public MailJobs(OutboxDispatcher dispatcher, IOptions<MailOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dispatcher = dispatcher;
        _enabled = options.Value.Enabled;
    }

    /// <summary>
    /// Sends every due message (batch after batch). Not retried by Hangfire: whatever is left is due again in the
    /// outbox, and the pump queues the next run.
    /// </summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Outbox dispatch")]
    public Task DispatchOutboxAsync(CancellationToken cancellationToken) =>
        _enabled ? _dispatcher.DispatchDueAsync(cancellationToken) : Task.CompletedTask;
}

/// <summary>Queues <see cref="MailJobs.DispatchOutboxAsync"/> in Hangfire and answers whether a queued one is still pending.</summary>
public sealed class HangfireOutboxJobs : IOutboxJobs
{
    private readonly IBackgroundJobClient _client;
    private readonly IJobScheduler _jobs;

    /// <param name="client">Queues the job.</param>
    /// <param name="jobs">Tells whether a job is pending (a job on a dead server is not).</param>
    public HangfireOutboxJobs(IBackgroundJobClient client, IJobScheduler jobs)
    {
        _client = client;
        _jobs = jobs;
    }

    /// <inheritdoc />
    public Task<string?> EnqueueDispatchAsync(CancellationToken cancellationToken) =>
        Task.FromResult<string?>(_client.Enqueue<MailJobs>(j => j.DispatchOutboxAsync(CancellationToken.None)));

    /// <inheritdoc />
    public Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken) => _jobs.IsPendingAsync(jobId, cancellationToken);
}
