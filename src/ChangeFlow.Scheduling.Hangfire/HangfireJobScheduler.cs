using System.Linq.Expressions;
using ChangeFlow.Application.Workflows;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

namespace ChangeFlow.Scheduling.Hangfire;

/// <summary>
/// Schedules ChangeFlow's jobs in Hangfire at absolute instants (never as cron). Jobs carry only ids; what they act
/// on is read from the database when they run, so running one twice, late, or after its bookmark was consumed is harmless.
/// </summary>
public sealed class HangfireJobScheduler : IJobScheduler
{
    private static readonly HashSet<string> PendingStates = new(StringComparer.OrdinalIgnoreCase)
    {
        ScheduledState.StateName,
        EnqueuedState.StateName,
        ProcessingState.StateName,
        AwaitingState.StateName,
    };

    private readonly IBackgroundJobClient _client;
    private readonly JobStorage _storage;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lostAfter;

    /// <param name="client">Creates and deletes jobs.</param>
    /// <param name="storage">Answers what state a job is in and which servers are alive.</param>
    /// <param name="time">The clock that due times and server heartbeats are compared with.</param>
    /// <param name="lostAfter">
    /// A job counts as lost when the server processing it has sent no heartbeat for this long, or when it has been due
    /// this long and is still only scheduled. It must exceed the servers' heartbeat interval (the host passes three).
    /// </param>
    public HangfireJobScheduler(IBackgroundJobClient client, JobStorage storage, TimeProvider time, TimeSpan lostAfter)
    {
        _client = client;
        _storage = storage;
        _time = time;
        _lostAfter = lostAfter;
    }

    public Task<string?> ScheduleTimerAsync(string instanceId, string bookmarkId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(Create(j => j.FireTimerAsync(instanceId, bookmarkId, CancellationToken.None), dueAt));

    public Task<string?> ScheduleStimulusAsync(string stimulusId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(Create(j => j.ProcessStimulusAsync(stimulusId, CancellationToken.None), dueAt));

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        _client.Delete(jobId);
        return Task.CompletedTask;
    }

    /// <remarks>
    /// Two states are pending only while something still moves the job on, because a killed server leaves both behind
    /// for minutes and, counted as pending, they would keep the sweep from firing an overdue timer all that time:
    /// <list type="bullet">
    /// <item>Processing, while the server that took the job sends heartbeats. A server killed mid-job (SIGKILL, out of
    /// memory, a lost machine) leaves it Processing until the storage's invisibility timeout hands it out again.</item>
    /// <item>Scheduled, until it has been due for <c>lostAfter</c>. Servers move due jobs to the queue every second
    /// under a distributed lock; a server killed while holding that lock (or cut off from the database while
    /// releasing it) stalls every server's scheduler until the lock times out (10 min on PostgreSQL).</item>
    /// </list>
    /// Firing a timer again is safe: a consumed bookmark makes the late job a no-op.
    /// </remarks>
    public Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken)
    {
        using var connection = _storage.GetConnection();
        var state = connection.GetStateData(jobId);
        if (state is null || !PendingStates.Contains(state.Name))
        {
            return Task.FromResult(false);
        }

        var now = _time.GetUtcNow();
        if (string.Equals(state.Name, ScheduledState.StateName, StringComparison.OrdinalIgnoreCase)
            && JobHelper.DeserializeNullableDateTime(Get(state, "EnqueueAt")) is { } due)
        {
            return Task.FromResult(now - AsUtc(due) < _lostAfter);
        }

        if (string.Equals(state.Name, ProcessingState.StateName, StringComparison.OrdinalIgnoreCase)
            && Get(state, "ServerId") is { } serverId)
        {
            var server = _storage.GetMonitoringApi().Servers().FirstOrDefault(s => string.Equals(s.Name, serverId, StringComparison.Ordinal));
            return Task.FromResult(server?.Heartbeat is { } heartbeat && now - AsUtc(heartbeat) < _lostAfter);
        }

        return Task.FromResult(true);
    }

    // A job that is already due is enqueued rather than scheduled, so that it needs no server's scheduler: the sweep
    // re-fires lost timers this way even while a stale scheduler lock stalls every scheduled job (see IsPendingAsync).
    private string Create(Expression<Func<WorkflowJobs, Task>> job, DateTimeOffset dueAt) =>
        dueAt <= _time.GetUtcNow() ? _client.Enqueue(job) : _client.Schedule(job, dueAt);

    private static string? Get(StateData state, string key) =>
        state.Data is not null && state.Data.TryGetValue(key, out var value) ? value : null;

    // Storages return instants as UTC, some with an unspecified kind.
    private static DateTimeOffset AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Local ? new DateTimeOffset(value.ToUniversalTime()) : new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
