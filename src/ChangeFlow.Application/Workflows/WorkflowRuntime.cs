using System.Text.Json.Nodes;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Expressions;
using ChangeFlow.Engine.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Workflows;

/// <summary>The result of a runtime command.</summary>
public sealed record RuntimeResult(RuntimeOutcome Outcome, InstanceSummary? Instance, string? Message = null)
{
    public bool Succeeded => Outcome == RuntimeOutcome.Ok;
}

/// <summary>How a runtime command ended.</summary>
public enum RuntimeOutcome
{
    Ok,
    NotFound,
    Rejected,
    Conflict,
    /// <summary>An activity refused the stimulus (<see cref="RunSession.Refuse"/>); nothing was committed.</summary>
    Refused,
}

/// <summary>The result of delivering a stimulus.</summary>
public sealed record StimulusResult(string StimulusId, StimulusStatus Status, int Resumed, IReadOnlyList<string> InstanceIds);

/// <summary>A stimulus to deliver: name + payload select bookmarks by hash; input is handed to the resumed activity.</summary>
public sealed record StimulusRequest(string Name, JsonNode? Payload, JsonNode? Input = null, string? InstanceId = null, string? CorrelationId = null, string? Actor = null);

/// <summary>
/// The durable workflow runtime. Each run loads the instance, runs the engine in memory and commits once: state,
/// bookmarks, journal, incidents, outbox and published events in one transaction. Timers are handed to the job
/// scheduler only after that commit; the bookmark table stays the source of truth and the sweep repairs lost jobs.
/// </summary>
/// <remarks>
/// Concurrency: optimistic, on the instance row's version, with retry. A run that loses the race is thrown away
/// whole (its effects were only collected, never sent) and re-run on the fresh state, where a consumed bookmark is
/// simply gone — so no activity's effect is committed twice, on one node or several. This needs no database lock
/// (SQLite has none per row), holds across nodes on PostgreSQL, and costs a retry only under real contention;
/// an in-process lock per instance keeps one node from racing itself.
/// </remarks>
public sealed partial class WorkflowRuntime
{
    private readonly WorkflowDefinitionService _definitions;
    private readonly IWorkflowInstanceStore _instances;
    private readonly IStimulusStore _stimuli;
    private readonly IJobScheduler _jobs;
    private readonly TimeProvider _time;
    private readonly ILogger<WorkflowRuntime> _logger;
    private readonly RuntimeOptions _options;
    private readonly ScriptOptions _scripts;
    private readonly Func<WorkflowInstanceState, IReadOnlyDictionary<string, JsonNode?>>? _globals;
    private readonly IServiceProvider? _services;
    private readonly TimeSpan _timerJobDelay;
    private readonly InstanceLocks _locks = new();

    public WorkflowRuntime(
        WorkflowDefinitionService definitions,
        IWorkflowInstanceStore instances,
        IStimulusStore stimuli,
        IJobScheduler jobs,
        TimeProvider time,
        IOptions<RuntimeOptions> options,
        ILogger<WorkflowRuntime> logger,
        IEnumerable<IWorkflowGlobals>? globals = null,
        IServiceProvider? services = null,
        IOptions<TimerOptions>? timers = null,
        IOptions<ScriptOptions>? scripts = null)
    {
        var providers = globals?.ToArray() ?? [];
        if (providers.Length > 0)
        {
            _globals = state =>
            {
                var all = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                foreach (var provider in providers)
                {
                    foreach (var (name, value) in provider.For(state))
                    {
                        all[name] = value;
                    }
                }

                return all;
            };
        }

        _definitions = definitions;
        _instances = instances;
        _stimuli = stimuli;
        _jobs = jobs;
        _time = time;
        _options = options.Value;
        _scripts = scripts?.Value ?? new ScriptOptions();
        _logger = logger;
        _services = services;
        // With a timer dispatcher, timer jobs are the backstop and come due a little after the timer.
        _timerJobDelay = timers?.Value.JobDelay ?? TimeSpan.Zero;
    }

    /// <summary>Starts an instance of the published version of <paramref name="definitionId"/>.</summary>
    public Task<RuntimeResult> StartAsync(string definitionId, StartRequest request, CancellationToken cancellationToken, string? actor = null) =>
        StartAsync(definitionId, request, [], cancellationToken, actor);

    /// <summary>
    /// Starts an instance as <see cref="StartAsync(string, StartRequest, CancellationToken, string?)"/> does, committing
    /// <paramref name="alsoCommit"/> in the same transaction as the new instance (e.g. the seal of the request's
    /// <c>Idempotency-Key</c>, so the key and the instance exist together or not at all).
    /// </summary>
    public async Task<RuntimeResult> StartAsync(string definitionId, StartRequest request, IReadOnlyList<IRunWrite> alsoCommit, CancellationToken cancellationToken, string? actor = null)
    {
        ArgumentNullException.ThrowIfNull(alsoCommit);
        var definition = await _definitions.GetPublishedAsync(definitionId, cancellationToken);
        if (definition is null)
        {
            return new RuntimeResult(RuntimeOutcome.NotFound, null, $"No published workflow definition '{definitionId}'.");
        }

        var effects = new RunEffects(_logger, actor);
        var result = await CreateRunner(effects).StartAsync(definition, request, cancellationToken);
        if (!result.Accepted)
        {
            return new RuntimeResult(RuntimeOutcome.Rejected, null, result.Rejection);
        }

        foreach (var write in alsoCommit)
        {
            effects.Session.Add(write);
        }

        var stimuli = await CommitAsync(result.State, null, effects, cancellationToken);
        await AfterCommitAsync(effects, new Dictionary<string, string?>(), stimuli);
        return new RuntimeResult(RuntimeOutcome.Ok, InstanceSummary.FromState(result.State));
    }

    /// <summary>Resumes one bookmark of one instance; a consumed or unknown bookmark is rejected and changes nothing.</summary>
    public Task<RuntimeResult> ResumeAsync(string instanceId, string bookmarkId, JsonNode? input, CancellationToken cancellationToken, string? actor = null) =>
        RunAsync(instanceId, (runner, definition, state, ct) => runner.ResumeAsync(definition, state, bookmarkId, input, ct), actor, cancellationToken);

    /// <summary>Cancels an instance, withdrawing its bookmarks and timers.</summary>
    public Task<RuntimeResult> CancelAsync(string instanceId, CancellationToken cancellationToken, string? actor = null) =>
        RunAsync(instanceId, (runner, definition, state, ct) => runner.CancelAsync(definition, state, ct), actor, cancellationToken);

    /// <summary>
    /// Fires a timer: called by the scheduler's job, or the <see cref="TimerDispatcher"/>, with ids only. Safe to call
    /// twice or late: a consumed bookmark does nothing; a call that arrives before the bookmark is due waits briefly or
    /// reschedules its job.
    /// </summary>
    public Task FireTimerAsync(string instanceId, string bookmarkId, CancellationToken cancellationToken) =>
        FireTimerAsync(instanceId, bookmarkId, keepTimerJob: false, cancellationToken);

    /// <summary>
    /// Fires a timer; with <paramref name="keepTimerJob"/> the fired timer's own job is left for the caller to delete
    /// (the <see cref="TimerDispatcher"/> deletes it off the firing path: a Hangfire delete costs more than the run).
    /// </summary>
    internal async Task FireTimerAsync(string instanceId, string bookmarkId, bool keepTimerJob, CancellationToken cancellationToken)
    {
        var snapshot = await _instances.LoadAsync(instanceId, cancellationToken);
        var bookmark = snapshot?.State.FindBookmark(bookmarkId);
        if (bookmark?.DueAt is not { } due)
        {
            return;
        }

        var early = due - _time.GetUtcNow();
        if (early > _options.EarlyFireTolerance)
        {
            var jobId = await _jobs.ScheduleTimerAsync(instanceId, bookmarkId, due + _timerJobDelay, cancellationToken);
            await _instances.SetTimerJobIdAsync(bookmarkId, jobId, cancellationToken);
            return;
        }

        if (early > TimeSpan.Zero)
        {
            await Task.Delay(early, _time, cancellationToken);
        }

        var result = await RunAsync(
            instanceId,
            (runner, definition, state, ct) => runner.ResumeAsync(definition, state, bookmarkId, null, ct),
            null,
            cancellationToken,
            keepJobOf: keepTimerJob ? bookmarkId : null);
        if (result.Outcome == RuntimeOutcome.Conflict)
        {
            throw new ConcurrencyConflictException(result.Message ?? "Timer could not be committed.");
        }
    }

    /// <summary>
    /// Delivers a stimulus to every matching bookmark. It is first written to the inbox, so a stimulus that arrives
    /// before its bookmark is committed is retried with back-off and dead-lettered, visibly, after the last attempt.
    /// </summary>
    public async Task<StimulusResult> DeliverAsync(StimulusRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        var id = Guid.CreateVersion7(now).ToString("N");
        var hash = BookmarkHasher.Compute(request.Name, request.Payload);

        // The common case: the bookmark is already committed. Resuming it straight away makes the resume's own commit
        // the only write; the inbox is needed only when nothing matches yet, or a resume could not be committed.
        var matches = await _instances.FindBookmarksAsync(hash, request.InstanceId, request.CorrelationId, cancellationToken);
        var resumed = new List<string>();
        StimulusRecord? recorded = null;
        foreach (var match in matches)
        {
            // The first resume commits the stimulus too, already delivered: its record costs no write of its own.
            var record = recorded is null ? Record(StimulusStatus.Delivered, resumedCount: 1) : null;
            var result = await RunAsync(
                match.InstanceId,
                (runner, definition, state, ct) => runner.ResumeAsync(definition, state, match.BookmarkId, request.Input, ct),
                request.Actor,
                cancellationToken,
                record);
            if (result.Succeeded)
            {
                resumed.Add(match.InstanceId);
                recorded ??= record;
            }
        }

        if (recorded is not null)
        {
            if (resumed.Count > 1)
            {
                // An event that resumed several instances: the record says how many.
                var stored = await _stimuli.FindAsync(id, cancellationToken);
                if (stored is not null)
                {
                    stored.ResumedCount = resumed.Count;
                    await _stimuli.UpdateAsync(stored, cancellationToken);
                }
            }

            return new StimulusResult(id, StimulusStatus.Delivered, resumed.Count, resumed);
        }

        // Nothing matched, or every match was consumed by someone else meanwhile (who may have opened an equivalent
        // bookmark, as a task waiting for several votes does): the inbox looks again now and retries with back-off.
        var stimulus = Record(StimulusStatus.Pending, resumedCount: 0);
        await _stimuli.AddAsync(stimulus, cancellationToken);
        return await ProcessStimulusAsync(stimulus.Id, cancellationToken);

        StimulusRecord Record(StimulusStatus status, int resumedCount) => new()
        {
            Id = id,
            Name = request.Name,
            Hash = hash,
            Payload = request.Payload,
            Input = request.Input,
            InstanceId = request.InstanceId,
            CorrelationId = request.CorrelationId,
            Actor = request.Actor,
            Status = status,
            Attempts = resumedCount,
            ResumedCount = resumedCount,
            CreatedAt = now,
            NextAttemptAt = now,
            CompletedAt = status == StimulusStatus.Delivered ? now : null,
        };
    }

    /// <summary>
    /// Delivers a stimulus to a bookmark that is already committed, and never to the inbox: for a caller whose own
    /// records say the bookmark was committed (a human task is created in the same transaction as the bookmark that
    /// waits for it), a stimulus that matches nothing lost a race, and the caller answers that itself instead of
    /// leaving a stimulus to be retried and dead-lettered. The first run that commits ends the delivery.
    /// </summary>
    /// <returns>
    /// <see cref="RuntimeOutcome.Ok"/> when a run committed with this stimulus; <see cref="RuntimeOutcome.Refused"/> when
    /// the resumed activity refused it; <see cref="RuntimeOutcome.Conflict"/> when every match was consumed by another run
    /// between the look-up and this one (look again); <see cref="RuntimeOutcome.NotFound"/> when nothing matched.
    /// </returns>
    public async Task<RuntimeResult> ResumeWaitingAsync(StimulusRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var hash = BookmarkHasher.Compute(request.Name, request.Payload);
        RuntimeResult? lost = null;
        foreach (var match in await _instances.FindBookmarksAsync(hash, request.InstanceId, request.CorrelationId, cancellationToken))
        {
            var result = await RunAsync(
                match.InstanceId,
                (runner, definition, state, ct) => runner.ResumeAsync(definition, state, match.BookmarkId, request.Input, ct),
                request.Actor,
                cancellationToken);
            if (result.Succeeded)
            {
                return result;
            }

            // Refused says why; any other miss is a bookmark consumed between the look-up and the run.
            lost = result.Outcome == RuntimeOutcome.Refused || lost is null ? result : lost;
        }

        return lost is null
            ? new RuntimeResult(RuntimeOutcome.NotFound, null, $"No open bookmark '{request.Name}' matched.")
            : lost.Outcome == RuntimeOutcome.Refused ? lost : new RuntimeResult(RuntimeOutcome.Conflict, lost.Instance, lost.Message);
    }

    /// <summary>Matches a pending stimulus against the bookmark table (hash index) and resumes every match.</summary>
    public async Task<StimulusResult> ProcessStimulusAsync(string stimulusId, CancellationToken cancellationToken)
    {
        var stimulus = await _stimuli.FindAsync(stimulusId, cancellationToken);
        if (stimulus is null)
        {
            return new StimulusResult(stimulusId, StimulusStatus.DeadLettered, 0, []);
        }

        if (stimulus.Status != StimulusStatus.Pending)
        {
            return new StimulusResult(stimulusId, stimulus.Status, stimulus.ResumedCount, []);
        }

        var matches = await _instances.FindBookmarksAsync(stimulus.Hash, stimulus.InstanceId, stimulus.CorrelationId, cancellationToken);
        var resumed = new List<string>();
        foreach (var match in matches)
        {
            var result = await ResumeAsync(match.InstanceId, match.BookmarkId, stimulus.Input, cancellationToken, stimulus.Actor);
            if (result.Succeeded)
            {
                resumed.Add(match.InstanceId);
            }
        }

        var now = _time.GetUtcNow();
        stimulus.Attempts++;
        stimulus.ResumedCount += resumed.Count;
        if (resumed.Count > 0)
        {
            stimulus.Status = StimulusStatus.Delivered;
            stimulus.CompletedAt = now;
        }
        else if (stimulus.Attempts >= _options.StimulusMaxAttempts)
        {
            stimulus.Status = StimulusStatus.DeadLettered;
            stimulus.CompletedAt = now;
            stimulus.LastError = $"No open bookmark matched after {stimulus.Attempts} attempts.";
            LogDeadLettered(_logger, stimulus.Id, stimulus.Name, stimulus.Attempts);
        }
        else
        {
            stimulus.NextAttemptAt = now + (_options.StimulusRetryDelay * Math.Pow(2, stimulus.Attempts - 1));
            stimulus.LastError = "No open bookmark matched yet.";
        }

        try
        {
            await _stimuli.UpdateAsync(stimulus, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            // Another node processed the same stimulus at the same time; its bookkeeping stands.
            return new StimulusResult(stimulus.Id, stimulus.Status, resumed.Count, resumed);
        }

        if (stimulus.Status == StimulusStatus.Pending)
        {
            await _jobs.ScheduleStimulusAsync(stimulus.Id, stimulus.NextAttemptAt, cancellationToken);
        }

        return new StimulusResult(stimulus.Id, stimulus.Status, resumed.Count, resumed);
    }

    /// <summary>
    /// Repairs what a lost job would leave behind: fires timers overdue by more than the grace period and retries
    /// pending stimuli past their next attempt. Both are idempotent, so a sweep racing a real job does no harm.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var repaired = 0;
        foreach (var timer in await _instances.ListDueTimersAsync(now - _options.SweepGrace, 500, cancellationToken))
        {
            if (timer.JobId is not null && await _jobs.IsPendingAsync(timer.JobId, cancellationToken))
            {
                continue;
            }

            LogSweepTimer(_logger, timer.InstanceId, timer.BookmarkId, timer.DueAt);
            var jobId = await _jobs.ScheduleTimerAsync(timer.InstanceId, timer.BookmarkId, now, cancellationToken);
            await _instances.SetTimerJobIdAsync(timer.BookmarkId, jobId, cancellationToken);
            repaired++;
        }

        foreach (var stimulus in await _stimuli.ListPendingAsync(now - _options.SweepGrace, 500, cancellationToken))
        {
            await _jobs.ScheduleStimulusAsync(stimulus.Id, now, cancellationToken);
            repaired++;
        }

        return repaired;
    }

    /// <summary>An instance's summary.</summary>
    public Task<InstanceSummary?> GetAsync(string instanceId, CancellationToken cancellationToken) => _instances.GetSummaryAsync(instanceId, cancellationToken);

    /// <summary>Lists instances.</summary>
    public Task<Page<InstanceSummary>> ListAsync(InstanceQuery query, CancellationToken cancellationToken) => _instances.ListAsync(query, cancellationToken);

    private async Task<RuntimeResult> RunAsync(
        string instanceId,
        Func<WorkflowRunner, WorkflowDefinition, WorkflowInstanceState, CancellationToken, ValueTask<RunResult>> run,
        string? actor,
        CancellationToken cancellationToken,
        StimulusRecord? deliveredStimulus = null,
        string? keepJobOf = null)
    {
        using var held = await _locks.AcquireAsync(instanceId, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var snapshot = await _instances.LoadAsync(instanceId, cancellationToken);
            if (snapshot is null)
            {
                return new RuntimeResult(RuntimeOutcome.NotFound, null, $"No workflow instance '{instanceId}'.");
            }

            var definition = await _definitions.GetVersionAsync(snapshot.State.DefinitionVersionId, cancellationToken);
            if (definition is null)
            {
                return new RuntimeResult(RuntimeOutcome.Rejected, null, $"The definition version '{snapshot.State.DefinitionVersionId}' of instance '{instanceId}' is missing.");
            }

            var effects = new RunEffects(_logger, actor);
            var result = await run(CreateRunner(effects), definition, snapshot.State, cancellationToken);
            if (!result.Accepted)
            {
                return new RuntimeResult(RuntimeOutcome.Rejected, await _instances.GetSummaryAsync(instanceId, cancellationToken), result.Rejection);
            }

            if (effects.Session.Refusal is { } refusal)
            {
                return new RuntimeResult(RuntimeOutcome.Refused, InstanceSummary.FromState(snapshot.State), refusal);
            }

            IReadOnlyList<StimulusRecord> stimuli;
            try
            {
                stimuli = await CommitAsync(result.State, snapshot.Version, effects, cancellationToken, deliveredStimulus);
            }
            catch (ConcurrencyConflictException) when (attempt < _options.MaxConcurrencyRetries)
            {
                LogRetry(_logger, instanceId, attempt);
                continue;
            }
            catch (ConcurrencyConflictException ex)
            {
                return new RuntimeResult(RuntimeOutcome.Conflict, null, ex.Message);
            }

            await AfterCommitAsync(effects, snapshot.TimerJobIds, stimuli, keepJobOf);
            return new RuntimeResult(RuntimeOutcome.Ok, InstanceSummary.FromState(result.State));
        }
    }

    private WorkflowRunner CreateRunner(RunEffects effects) =>
        new(
            new WorkflowServices
            {
                Timers = effects,
                Email = effects,
                Events = effects,
                Console = effects,
                Globals = _globals,
                ServiceProvider = new RunServiceProvider(_services, effects.Session),
                Scripts = _scripts,
                MaxActivitiesPerRun = _options.MaxActivitiesPerRun,
                MaxJournalEntries = _options.MaxJournalEntriesPerInstance,
            },
            _time);

    private async Task<IReadOnlyList<StimulusRecord>> CommitAsync(
        WorkflowInstanceState state,
        long? expectedVersion,
        RunEffects effects,
        CancellationToken cancellationToken,
        StimulusRecord? deliveredStimulus = null)
    {
        var now = _time.GetUtcNow();
        var stimuli = effects.Events.Select(e => new StimulusRecord
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            Name = Engine.Activities.Event.BookmarkName,
            Hash = BookmarkHasher.Compute(Engine.Activities.Event.BookmarkName, Engine.Activities.Event.StimulusPayload(e.EventName)),
            Payload = Engine.Activities.Event.StimulusPayload(e.EventName),
            Input = e.Payload,
            InstanceId = e.IsLocal ? e.SourceInstanceId : null,
            Status = StimulusStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
        }).ToList();
        await _instances.CommitAsync(
            new InstanceCommit
            {
                State = state,
                ExpectedVersion = expectedVersion,
                Emails = effects.Emails,
                Stimuli = deliveredStimulus is null ? stimuli : [.. stimuli, deliveredStimulus],
                Writes = effects.Session.Writes,
                JournalLimit = _options.MaxJournalEntriesPerInstance,
            },
            cancellationToken);
        return stimuli;
    }

    private async Task AfterCommitAsync(RunEffects effects, IReadOnlyDictionary<string, string?> jobIds, IReadOnlyList<StimulusRecord> stimuli, string? keepJobOf = null)
    {
        // Failures here are repaired by the sweep: the committed bookmark table says what must fire.
        try
        {
            // Messages committed by the run go out now rather than at the outbox's next poll.
            if (effects.Emails.Count > 0 || effects.Session.Writes.Any(w => w is Notifications.OutboxWrite))
            {
                (_services?.GetService(typeof(Notifications.IOutboxSignal)) as Notifications.IOutboxSignal)?.MessagesQueued();
            }

            foreach (var timer in effects.Unscheduled)
            {
                if (jobIds.TryGetValue(timer.BookmarkId, out var jobId) && jobId is not null
                    && !string.Equals(timer.BookmarkId, keepJobOf, StringComparison.Ordinal))
                {
                    await _jobs.DeleteAsync(jobId, CancellationToken.None);
                }
            }

            foreach (var timer in effects.Scheduled)
            {
                var jobId = await _jobs.ScheduleTimerAsync(timer.InstanceId, timer.BookmarkId, timer.DueAt + _timerJobDelay, CancellationToken.None);
                await _instances.SetTimerJobIdAsync(timer.BookmarkId, jobId, CancellationToken.None);
            }

            // Published events were committed as stimuli with the run; they are delivered by jobs of their own, so a
            // workflow that publishes to itself never re-enters the run that published. A pending stimulus whose job
            // was never scheduled is picked up by the sweep like a lost timer.
            foreach (var stimulus in stimuli)
            {
                await _jobs.ScheduleStimulusAsync(stimulus.Id, stimulus.NextAttemptAt, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // The run is committed; a scheduling failure must not turn it into an error for the caller.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogAfterCommitFailed(_logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Instance {InstanceId} changed under run attempt {Attempt}; running again on the fresh state.")]
    private static partial void LogRetry(ILogger logger, string instanceId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stimulus {StimulusId} ({Name}) matched no bookmark after {Attempts} attempts and was dead-lettered.")]
    private static partial void LogDeadLettered(ILogger logger, string stimulusId, string name, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {BookmarkId} of instance {InstanceId} was due at {DueAt} and had no pending job; firing it now.")]
    private static partial void LogSweepTimer(ILogger logger, string instanceId, string bookmarkId, DateTimeOffset dueAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling after a commit failed; the sweep will repair it.")]
    private static partial void LogAfterCommitFailed(ILogger logger, Exception exception);
}
