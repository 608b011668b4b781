using ChangeFlow.Application.Workflows;
using Hangfire;
using Hangfire.States;

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

    public HangfireJobScheduler(IBackgroundJobClient client, JobStorage storage)
    {
        _client = client;
        _storage = storage;
    }

    public Task<string?> ScheduleTimerAsync(string instanceId, string bookmarkId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(_client.Schedule<WorkflowJobs>(j => j.FireTimerAsync(instanceId, bookmarkId, CancellationToken.None), dueAt));

    public Task<string?> ScheduleStimulusAsync(string stimulusId, DateTimeOffset dueAt, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(_client.Schedule<WorkflowJobs>(j => j.ProcessStimulusAsync(stimulusId, CancellationToken.None), dueAt));

    public Task DeleteAsync(string jobId, CancellationToken cancellationToken)
    {
        _client.Delete(jobId);
        return Task.CompletedTask;
    }

    public Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken)
    {
        using var connection = _storage.GetConnection();
        var state = connection.GetStateData(jobId);
        return Task.FromResult(state is not null && PendingStates.Contains(state.Name));
    }
}
