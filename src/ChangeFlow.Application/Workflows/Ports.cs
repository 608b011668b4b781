using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Application.Workflows;

/// <summary>Stores workflow definitions, all versions. A published version is immutable.</summary>
public interface IWorkflowDefinitionStore
{
    Task<DefinitionVersion?> FindVersionAsync(string versionId, CancellationToken cancellationToken);

    Task<DefinitionVersion?> FindPublishedAsync(string definitionId, CancellationToken cancellationToken);

    Task<DefinitionVersion?> FindLatestAsync(string definitionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<DefinitionVersion>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken);

    /// <summary>The latest version of every definition.</summary>
    Task<IReadOnlyList<DefinitionVersion>> ListLatestAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Adds a new version. When <paramref name="publish"/> is true it becomes the one published version and the
    /// previous one is unpublished. Throws <see cref="ConcurrencyConflictException"/> when another writer took the version number.
    /// </summary>
    Task AddVersionAsync(DefinitionVersion version, bool publish, CancellationToken cancellationToken);

    /// <summary>Replaces the JSON of an unpublished (draft) version.</summary>
    Task UpdateDraftAsync(DefinitionVersion version, CancellationToken cancellationToken);

    /// <summary>Publishes an existing version (unpublishing the previous one).</summary>
    Task PublishAsync(string versionId, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Stores instances with their bookmarks, incidents and journal; each commit is one transaction.</summary>
public interface IWorkflowInstanceStore
{
    /// <summary>Loads an instance (its journal is not loaded: the state carries only entries a run adds).</summary>
    Task<InstanceSnapshot?> LoadAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes state, bookmark changes, new journal entries and incidents, outbox messages and stimuli at once.
    /// Throws <see cref="ConcurrencyConflictException"/> when the row version does not match.
    /// </summary>
    Task<long> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken);

    /// <summary>Finds open bookmarks by hash (an index lookup), optionally for one instance or correlation id.</summary>
    Task<IReadOnlyList<BookmarkMatch>> FindBookmarksAsync(string hash, string? instanceId, string? correlationId, CancellationToken cancellationToken);

    /// <summary>Records the scheduler's job id of a timer bookmark.</summary>
    Task SetTimerJobIdAsync(string bookmarkId, string? jobId, CancellationToken cancellationToken);

    /// <summary>Timer bookmarks due at or before <paramref name="dueBefore"/>, earliest first.</summary>
    Task<IReadOnlyList<TimerBookmark>> ListDueTimersAsync(DateTimeOffset dueBefore, int take, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically claims up to <paramref name="take"/> timer bookmarks due at or before <paramref name="now"/> that no
    /// one holds (never claimed, or their claim ended at or before <paramref name="now"/>) for <paramref name="owner"/>
    /// until <paramref name="claimedUntil"/>, earliest first. Two callers never get the same bookmark while a claim
    /// holds, on one node or several. A claim ends when the timer fires (its bookmark is consumed) or runs out.
    /// </summary>
    Task<IReadOnlyList<TimerBookmark>> ClaimDueTimersAsync(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int take, CancellationToken cancellationToken);

    Task<InstanceSummary?> GetSummaryAsync(string instanceId, CancellationToken cancellationToken);

    Task<Page<InstanceSummary>> ListAsync(InstanceQuery query, CancellationToken cancellationToken);

    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="take"/> journal entries with a sequence above <paramref name="afterSequence"/>, in order.</summary>
    Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, long afterSequence, int take, CancellationToken cancellationToken);

    Task<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken);
}

/// <summary>The stimulus inbox.</summary>
public interface IStimulusStore
{
    Task AddAsync(StimulusRecord stimulus, CancellationToken cancellationToken);

    Task<StimulusRecord?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Saves status and retry bookkeeping; throws <see cref="ConcurrencyConflictException"/> when another node got there first.</summary>
    Task UpdateAsync(StimulusRecord stimulus, CancellationToken cancellationToken);

    Task<IReadOnlyList<StimulusRecord>> ListPendingAsync(DateTimeOffset dueBefore, int take, CancellationToken cancellationToken);

    Task<IReadOnlyList<StimulusRecord>> ListDeadLetteredAsync(int take, CancellationToken cancellationToken);
}

/// <summary>
/// Schedules jobs that carry only ids. Hangfire is one adapter; jobs must be safe to run twice.
/// </summary>
public interface IJobScheduler
{
    /// <summary>Schedules <see cref="WorkflowRuntime.FireTimerAsync(string, string, CancellationToken)"/> for a timer bookmark; returns the job id.</summary>
    Task<string?> ScheduleTimerAsync(string instanceId, string bookmarkId, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>Schedules <see cref="WorkflowRuntime.ProcessStimulusAsync"/> for a stimulus.</summary>
    Task<string?> ScheduleStimulusAsync(string stimulusId, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>Deletes a scheduled job (no-op when it ran or does not exist).</summary>
    Task DeleteAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Whether a job is still going to run (scheduled, enqueued or processing).</summary>
    Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken);
}

/// <summary>Names that scripts and templates of an instance see besides Elsa's own (e.g. <c>change</c>).</summary>
public interface IWorkflowGlobals
{
    /// <summary>The names and values for one instance.</summary>
    IReadOnlyDictionary<string, System.Text.Json.Nodes.JsonNode?> For(WorkflowInstanceState state);
}
