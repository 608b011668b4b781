using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;

namespace ChangeFlow.Application.Changes;

/// <summary>How far an implementation or rollback step has got.</summary>
public enum StepStatus
{
    /// <summary>Not reported yet.</summary>
    Pending,
    /// <summary>Reported done (a failed checkpoint reported done later counts as resolved).</summary>
    Done,
    /// <summary>Reported failed.</summary>
    Failed,
}

/// <summary>The latest report on one step of the implementation plan or of the rollback procedure.</summary>
public sealed record StepProgress(string StepId, StepStatus Status, string? Note, string By, DateTimeOffset At);

/// <summary>
/// A change request as stored: the validated dossier and lifecycle (<see cref="ChangeRequest"/>) plus what the
/// workflow adds — which workflow runs it, its CAB agenda slot, step progress, validation.
/// </summary>
public sealed record ChangeRecord
{
    /// <summary>The dossier, state, outcome and state history.</summary>
    public required ChangeRequest Change { get; init; }

    /// <summary>The user who created the record.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>The standard-change template it instantiates, for standard changes.</summary>
    public string? TemplateId { get; init; }

    /// <summary>The workflow definition the routing table chose at submission.</summary>
    public string? WorkflowDefinitionId { get; init; }

    /// <summary>The workflow instance that drives the change (its correlation id is the change number).</summary>
    public string? WorkflowInstanceId { get; init; }

    /// <summary>The CAB board whose agenda the change is on.</summary>
    public string? CabBoardId { get; init; }

    /// <summary>The start of the CAB meeting whose agenda the change is on.</summary>
    public DateTimeOffset? CabMeetingAt { get; init; }

    /// <summary>When the implementation was validated (the hard rollback decision point is then passed safely).</summary>
    public DateTimeOffset? ValidatedAt { get; init; }

    /// <summary>Who validated it.</summary>
    public string? ValidatedBy { get; init; }

    /// <summary>Progress of the implementation plan's steps, by step id (latest report per step).</summary>
    public IReadOnlyList<StepProgress> Steps { get; init; } = [];

    /// <summary>Progress of the rollback procedure's steps (ids <c>rb-1</c>, <c>rb-2</c>...).</summary>
    public IReadOnlyList<StepProgress> RollbackSteps { get; init; } = [];

    /// <summary>When the rollback procedure started, if it did (by the decision point, a failed checkpoint or a person).</summary>
    public DateTimeOffset? RollbackStartedAt { get; init; }

    /// <summary>Who started the rollback: the user whose action led to it, or <c>system</c> when a timer did.</summary>
    public string? RollbackStartedBy { get; init; }

    /// <summary>Why the rollback runs, as the workflow gave it.</summary>
    public string? RollbackReason { get; init; }

    /// <summary>What the change's notices were last scheduled against (revision, announced window, calendar sequences).</summary>
    public Notifications.NoticeState Notices { get; init; } = Notifications.NoticeState.None;

    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Optimistic concurrency: 1 when created, +1 on every update.</summary>
    public long Version { get; init; }

    /// <summary>The number, as text.</summary>
    public string Number => Change.Number.ToString();
}

/// <summary>What a list of changes is filtered by; <see cref="From"/>/<see cref="To"/> select changes whose window overlaps.</summary>
public sealed record ChangeQuery(
    ChangeState? State = null,
    ChangeType? Type = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? CabBoardId = null,
    DateTimeOffset? CabMeetingAt = null,
    string? RequestorId = null,
    int Skip = 0,
    int Take = 50);

/// <summary>Stores change records. Numbers are allocated per year and never reused, even when a creation fails.</summary>
public interface IChangeStore
{
    /// <summary>Allocates the next number of <paramref name="year"/> (in its own transaction).</summary>
    Task<ChangeNumber> AllocateNumberAsync(int year, CancellationToken cancellationToken);

    /// <summary>Adds a record (version 1). Throws <see cref="ConcurrencyConflictException"/> when the number exists.</summary>
    Task AddAsync(ChangeRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts a new change as <see cref="AddAsync(ChangeRecord, CancellationToken)"/> does, sealing the request's
    /// <c>Idempotency-Key</c> claim in the same transaction when <paramref name="seal"/> is given.
    /// </summary>
    Task AddAsync(ChangeRecord record, Security.IdempotencySealWrite? seal, CancellationToken cancellationToken);

    /// <summary>Finds a record by number.</summary>
    Task<ChangeRecord?> FindAsync(ChangeNumber number, CancellationToken cancellationToken);

    /// <summary>Lists records, newest number first.</summary>
    Task<Page<ChangeRecord>> ListAsync(ChangeQuery query, CancellationToken cancellationToken);

    /// <summary>Records whose window overlaps [start, end), in any state but Rejected, Canceled and Closed.</summary>
    Task<IReadOnlyList<ChangeRecord>> ListOverlappingAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a record outside a workflow run (e.g. editing a New change). <paramref name="record"/> carries the new
    /// version (<paramref name="expectedVersion"/> + 1). Throws <see cref="ConcurrencyConflictException"/> when stale.
    /// </summary>
    Task UpdateAsync(ChangeRecord record, long expectedVersion, CancellationToken cancellationToken);
}

/// <summary>A change record written with a run: <see cref="Record"/> carries version <see cref="ExpectedVersion"/> + 1.</summary>
public sealed record ChangeWrite(ChangeRecord Record, long ExpectedVersion) : IRunWrite;

/// <summary>Conveniences over <see cref="IChangeStore"/>.</summary>
public static class ChangeStoreExtensions
{
    private const int PageSize = 500;

    /// <summary>Every record matching <paramref name="query"/> (its Skip and Take are ignored), read a page at a time.</summary>
    public static async Task<IReadOnlyList<ChangeRecord>> ListAllAsync(this IChangeStore store, ChangeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        var all = new List<ChangeRecord>();
        for (var skip = 0; ; skip += PageSize)
        {
            var page = await store.ListAsync(query with { Skip = skip, Take = PageSize }, cancellationToken);
            all.AddRange(page.Items);
            if (page.Items.Count < PageSize)
            {
                return all;
            }
        }
    }
}
