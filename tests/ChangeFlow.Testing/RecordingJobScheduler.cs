using System.Collections.Concurrent;
using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Testing;

/// <summary>What a <see cref="RecordingJobScheduler"/> job would run.</summary>
public enum ScheduledJobKind
{
    /// <summary><see cref="WorkflowRuntime.FireTimerAsync(string, string, CancellationToken)"/>.</summary>
    Timer,
    /// <summary><see cref="WorkflowRuntime.ProcessStimulusAsync"/>.</summary>
    Stimulus,
}

/// <summary>A job handed to a <see cref="RecordingJobScheduler"/>.</summary>
public sealed record ScheduledJob(
    string Id,
    ScheduledJobKind Kind,
    DateTimeOffset DueAt,
    string? InstanceId = null,
    string? BookmarkId = null,
    string? StimulusId = null);

/// <summary>
/// An <see cref="IJobScheduler"/> that runs nothing: it records what was scheduled and deleted, so a test runs the
/// jobs itself (on the fake clock) and can play a lost job (<see cref="Forget"/>) or a failing scheduler.
/// </summary>
public sealed class RecordingJobScheduler : IJobScheduler
{
    private readonly ConcurrentQueue<ScheduledJob> _scheduled = new();
    private readonly ConcurrentQueue<string> _deleted = new();
    private readonly ConcurrentDictionary<string, ScheduledJob> _pending = new(StringComparer.Ordinal);
    private int _next;

    /// <summary>Every job scheduled, in order.</summary>
    public IReadOnlyList<ScheduledJob> Scheduled => [.. _scheduled];

    /// <summary>Every timer job scheduled, in order.</summary>
    public IReadOnlyList<ScheduledJob> Timers => [.. _scheduled.Where(j => j.Kind == ScheduledJobKind.Timer)];

    /// <summary>Every stimulus job scheduled, in order.</summary>
    public IReadOnlyList<ScheduledJob> StimulusJobs => [.. _scheduled.Where(j => j.Kind == ScheduledJobKind.Stimulus)];

    /// <summary>Ids of every job deleted, in order.</summary>
    public IReadOnlyList<string> Deleted => [.. _deleted];

    /// <summary>When set, scheduling a timer throws this.</summary>
    public Exception? TimerFailure { get; set; }

    /// <summary>When set, scheduling a stimulus throws this.</summary>
    public Exception? StimulusFailure { get; set; }

    /// <summary>Runs before a job is recorded (e.g. to look at what the database holds at that moment).</summary>
    public Func<ScheduledJob, Task>? BeforeSchedule { get; set; }

    /// <summary>Makes a job no longer pending, as if it had run or its storage had lost it.</summary>
    public void Forget(string jobId) => _pending.TryRemove(jobId, out _);

    /// <summary>Whether a job was scheduled and neither deleted nor forgotten.</summary>
    public bool IsPending(string jobId) => _pending.ContainsKey(jobId);

    /// <inheritdoc />
    public Task<string?> ScheduleTimerAsync(string instanceId, string bookmarkId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        TimerFailure is { } failure
            ? Task.FromException<string?>(failure)
            : RecordAsync(ScheduledJobKind.Timer, dueAt, instanceId, bookmarkId, null);

    /// <inheritdoc />
    public Task<string?> ScheduleStimulusAsync(string stimulusId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        StimulusFailure is { } failure
            ? Task.FromException<string?>(failure)
            : RecordAsync(ScheduledJobKind.Stimulus, dueAt, null, null, stimulusId);

    /// <inheritdoc />
    public Task DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        _deleted.Enqueue(jobId);
        _pending.TryRemove(jobId, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult(IsPending(jobId));

    private async Task<string?> RecordAsync(ScheduledJobKind kind, DateTimeOffset dueAt, string? instanceId, string? bookmarkId, string? stimulusId)
    {
        var job = new ScheduledJob($"job-{Interlocked.Increment(ref _next)}", kind, dueAt, instanceId, bookmarkId, stimulusId);
        if (BeforeSchedule is { } before)
        {
            await before(job);
        }

        _pending[job.Id] = job;
        _scheduled.Enqueue(job);
        return job.Id;
    }
}
