using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Incidents;
using ChangeFlow.Domain.Problems;

namespace ChangeFlow.Application.Incidents;

/// <summary>An incident as stored: the aggregate plus who created it, the workflow that watches it and the row version.</summary>
public sealed record IncidentRecord
{
    /// <summary>The incident.</summary>
    public required Incident Incident { get; init; }

    /// <summary>The user (or token) that opened it.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>The workflow instance that keeps its SLA clocks (its correlation id is the incident number).</summary>
    public string? WorkflowInstanceId { get; init; }

    /// <summary>When the record was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Optimistic concurrency: 1 when created, +1 on every update.</summary>
    public long Version { get; init; }

    /// <summary>The number.</summary>
    public string Number => Incident.Number;
}

/// <summary>What a list of incidents is filtered by; null members do not filter.</summary>
/// <param name="State">Only this state.</param>
/// <param name="Priority">Only this priority.</param>
/// <param name="ServiceId">Only this service.</param>
/// <param name="AssignmentGroup">Only this group.</param>
/// <param name="AssigneeId">Only this assignee.</param>
/// <param name="ReporterId">Only this reporter.</param>
/// <param name="ProblemNumber">Only incidents linked to this problem.</param>
/// <param name="CausedByChange">Only incidents caused by this change.</param>
/// <param name="Open">True: not yet resolved; false: resolved or closed.</param>
/// <param name="OpenedFrom">Opened at or after.</param>
/// <param name="OpenedTo">Opened before.</param>
/// <param name="Skip">How many to skip, newest first.</param>
/// <param name="Take">How many at most.</param>
/// <param name="VisibleTo">Only incidents this user reported, opened or is assigned (see <see cref="Security.ReadVisibility"/>).</param>
public sealed record IncidentQuery(
    IncidentState? State = null,
    Priority? Priority = null,
    string? ServiceId = null,
    string? AssignmentGroup = null,
    string? AssigneeId = null,
    string? ReporterId = null,
    string? ProblemNumber = null,
    string? CausedByChange = null,
    bool? Open = null,
    DateTimeOffset? OpenedFrom = null,
    DateTimeOffset? OpenedTo = null,
    int Skip = 0,
    int Take = 50,
    string? VisibleTo = null);

/// <summary>Stores incidents. Numbers (<c>INC-YYYY-NNNN</c>) are allocated per year and never reused.</summary>
public interface IIncidentStore
{
    /// <summary>Allocates the next number of <paramref name="year"/> (in its own transaction).</summary>
    Task<string> AllocateNumberAsync(int year, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a record (version 1). Throws <see cref="ConcurrencyConflictException"/> when the number exists, or when
    /// another incident that is not closed has the same monitoring alert key.
    /// </summary>
    Task AddAsync(IncidentRecord record, CancellationToken cancellationToken);

    /// <summary>An incident by number.</summary>
    Task<IncidentRecord?> FindAsync(string number, CancellationToken cancellationToken);

    /// <summary>The incident that is not closed and carries monitoring alert key <paramref name="alertKey"/>, if any.</summary>
    Task<IncidentRecord?> FindByAlertKeyAsync(string alertKey, CancellationToken cancellationToken);

    /// <summary>Incidents matching <paramref name="query"/>, newest number first.</summary>
    Task<Page<IncidentRecord>> ListAsync(IncidentQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a record outside a workflow run; <paramref name="record"/> carries version
    /// <paramref name="expectedVersion"/> + 1. Throws <see cref="ConcurrencyConflictException"/> when stale.
    /// </summary>
    Task UpdateAsync(IncidentRecord record, long expectedVersion, CancellationToken cancellationToken);
}

/// <summary>An incident written with a run: <see cref="Record"/> carries version <see cref="ExpectedVersion"/> + 1.</summary>
public sealed record IncidentWrite(IncidentRecord Record, long ExpectedVersion) : IRunWrite;

/// <summary>A problem as stored.</summary>
public sealed record ProblemRecord
{
    /// <summary>The problem.</summary>
    public required Problem Problem { get; init; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Optimistic concurrency: 1 when created, +1 on every update.</summary>
    public long Version { get; init; }

    /// <summary>The number.</summary>
    public string Number => Problem.Number;
}

/// <summary>What a list of problems is filtered by.</summary>
/// <param name="State">Only this state.</param>
/// <param name="ServiceId">Only this service.</param>
/// <param name="Skip">How many to skip, newest first.</param>
/// <param name="Take">How many at most.</param>
public sealed record ProblemQuery(ProblemState? State = null, string? ServiceId = null, int Skip = 0, int Take = 50);

/// <summary>Stores problems (<c>PRB-YYYY-NNNN</c>).</summary>
public interface IProblemStore
{
    /// <summary>Allocates the next number of <paramref name="year"/>.</summary>
    Task<string> AllocateNumberAsync(int year, CancellationToken cancellationToken);

    /// <summary>Adds a record (version 1); <see cref="ConcurrencyConflictException"/> when the number exists.</summary>
    Task AddAsync(ProblemRecord record, CancellationToken cancellationToken);

    /// <summary>A problem by number.</summary>
    Task<ProblemRecord?> FindAsync(string number, CancellationToken cancellationToken);

    /// <summary>Problems matching <paramref name="query"/>, newest first.</summary>
    Task<Page<ProblemRecord>> ListAsync(ProblemQuery query, CancellationToken cancellationToken);

    /// <summary>Replaces a record at <paramref name="expectedVersion"/>; <see cref="ConcurrencyConflictException"/> when stale.</summary>
    Task UpdateAsync(ProblemRecord record, long expectedVersion, CancellationToken cancellationToken);
}

/// <summary>Conveniences over the incident store.</summary>
public static class IncidentStoreExtensions
{
    private const int PageSize = 500;

    /// <summary>Every incident matching <paramref name="query"/> (its Skip and Take are ignored), a page at a time.</summary>
    public static async Task<IReadOnlyList<IncidentRecord>> ListAllAsync(this IIncidentStore store, IncidentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        var all = new List<IncidentRecord>();
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
