using ChangeFlow.Application.Workflows;
using Hangfire;

namespace ChangeFlow.Scheduling.Hangfire;

/// <summary>The Hangfire jobs: each takes ids and calls the runtime, which makes them safe to run twice.</summary>
public sealed class WorkflowJobs
{
    private readonly WorkflowRuntime _runtime;

    public WorkflowJobs(WorkflowRuntime runtime)
    {
        _runtime = runtime;
    }

    /// <summary>Fires a timer bookmark; a consumed bookmark makes it a no-op.</summary>
    [AutomaticRetry(Attempts = 10, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Timer {1} of instance {0}")]
    public Task FireTimerAsync(string instanceId, string bookmarkId, CancellationToken cancellationToken) =>
        _runtime.FireTimerAsync(instanceId, bookmarkId, cancellationToken);

    /// <summary>Matches a pending stimulus again.</summary>
    [AutomaticRetry(Attempts = 5)]
    [JobDisplayName("Stimulus {0}")]
    public Task ProcessStimulusAsync(string stimulusId, CancellationToken cancellationToken) =>
        _runtime.ProcessStimulusAsync(stimulusId, cancellationToken);
}
