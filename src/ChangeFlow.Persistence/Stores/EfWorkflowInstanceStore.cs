using System.Runtime.CompilerServices;
using System.Text.Json;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Instances in EF Core. The state JSON holds everything but the journal, which has its own table (so state stays
/// small however long an instance lives); bookmarks are also rows of their own, indexed by hash and due time.
/// </summary>
public sealed class EfWorkflowInstanceStore : IWorkflowInstanceStore
{
    // The queries every run makes are compiled once: translating a LINQ query costs several times what running it does.
    // A compiled query belongs to one model, and a process may use several (one per provider), so each model gets its own.
    private static readonly ConditionalWeakTable<IModel, CompiledQueries> Compiled = [];

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;
    private readonly RunWriteHandlers _handlers;
    private readonly GroupCommit _groupCommit;

    public EfWorkflowInstanceStore(IDbContextFactory<ChangeFlowDbContext> factory, IEnumerable<IRunWriteHandler>? handlers = null)
    {
        _factory = factory;
        _handlers = new RunWriteHandlers(handlers ?? []);
        _groupCommit = new GroupCommit(this);
    }

    public async Task<InstanceSnapshot?> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var row = await Queries(db).LoadState(db, instanceId, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var state = WorkflowStateSerializer.Deserialize(row.StateJson);
        var jobs = new Dictionary<string, string?>(StringComparer.Ordinal);
        // Timer bookmarks are written with the state in one transaction, so an instance whose state has none has no rows to ask for.
        if (state.Bookmarks.Exists(b => b.DueAt is not null))
        {
            await foreach (var timer in Queries(db).TimerJobs(db, instanceId).WithCancellation(cancellationToken))
            {
                jobs[timer.Id] = timer.JobId;
            }
        }

        return new InstanceSnapshot(state, row.Version, jobs);
    }

    public async Task<long> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken)
    {
        var state = commit.State;
        var journal = state.Journal;
        string stateJson;
        state.Journal = [];
        try
        {
            stateJson = WorkflowStateSerializer.Serialize(state);
        }
        finally
        {
            state.Journal = journal;
        }

        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        if (WriteGate.IsGated(db))
        {
            return await _groupCommit.CommitAsync(db, commit, stateJson, cancellationToken);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var version = await ApplyAsync(db, commit, stateJson, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        journal.Clear();
        return version;
    }

    /// <summary>
    /// Writes one run's commit on <paramref name="db"/>'s open transaction (a stale version throws
    /// <see cref="ConcurrencyConflictException"/>) and returns the instance's new version.
    /// </summary>
    internal async Task<long> ApplyAsync(ChangeFlowDbContext db, InstanceCommit commit, string stateJson, CancellationToken cancellationToken)
    {
        var state = commit.State;
        var journal = state.Journal;
        var sql = new ModelSql(db);
        var version = (commit.ExpectedVersion ?? 0) + 1;
        var previousIncidents = 0;
        if (commit.ExpectedVersion is null)
        {
            await sql.QueueInsertAsync<WorkflowInstanceEntity>(
                [
                    new WorkflowInstanceEntity
                    {
                        Id = state.Id,
                        DefinitionId = state.DefinitionId,
                        DefinitionVersionId = state.DefinitionVersionId,
                        DefinitionVersion = state.DefinitionVersion,
                        CorrelationId = state.CorrelationId,
                        Status = state.Status.ToString(),
                        StateJson = stateJson,
                        IncidentCount = state.Incidents.Count,
                        CreatedAt = Instants.ToUtc(state.CreatedAt),
                        UpdatedAt = Instants.ToUtc(state.UpdatedAt),
                        FinishedAt = Instants.ToUtc(state.FinishedAt),
                        Version = version,
                    },
                ],
                cancellationToken);
        }
        else
        {
            var expected = commit.ExpectedVersion.Value;
            // Incidents are only ever appended, so a state without any had none before either: the stored count is
            // needed only when there are incidents to tell old from new.
            if (state.Incidents.Count > 0)
            {
                previousIncidents = await Queries(db).IncidentCount(db, state.Id, expected, cancellationToken)
                    ?? throw new ConcurrencyConflictException($"Instance '{state.Id}' changed since version {expected}.");
            }

            // The version check is the WHERE clause: no row means another run committed first.
            var updated = await sql.UpdateAsync<WorkflowInstanceEntity>(
                [
                    (nameof(WorkflowInstanceEntity.Status), state.Status.ToString()),
                    (nameof(WorkflowInstanceEntity.StateJson), stateJson),
                    (nameof(WorkflowInstanceEntity.CorrelationId), state.CorrelationId),
                    (nameof(WorkflowInstanceEntity.IncidentCount), state.Incidents.Count),
                    (nameof(WorkflowInstanceEntity.UpdatedAt), Instants.ToUtc(state.UpdatedAt)),
                    (nameof(WorkflowInstanceEntity.FinishedAt), Instants.ToUtc(state.FinishedAt)),
                    (nameof(WorkflowInstanceEntity.Version), version),
                ],
                [(nameof(WorkflowInstanceEntity.Id), state.Id), (nameof(WorkflowInstanceEntity.Version), expected)],
                cancellationToken);
            if (updated == 0)
            {
                throw new ConcurrencyConflictException($"Instance '{state.Id}' changed since version {expected}.");
            }
        }

        // Bookmark rows follow the state's open bookmarks: consumed ones are deleted, new ones inserted. A new instance
        // has no rows yet, and an instance without open bookmarks keeps none, so neither needs to read them first.
        List<Bookmark> added;
        if (commit.ExpectedVersion is null)
        {
            added = state.Bookmarks;
        }
        else if (state.Bookmarks.Count == 0)
        {
            added = [];
            await sql.QueueDeleteAsync<BookmarkEntity>([(nameof(BookmarkEntity.InstanceId), state.Id)], cancellationToken);
        }
        else
        {
            var stored = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var id in Queries(db).BookmarkIds(db, state.Id).WithCancellation(cancellationToken))
            {
                stored.Add(id);
            }

            var open = state.Bookmarks.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
            var removed = stored.Where(id => !open.Contains(id)).ToList<object>();
            if (removed.Count > 0)
            {
                await sql.QueueDeleteAsync<BookmarkEntity>([], cancellationToken, nameof(BookmarkEntity.Id), removed);
            }

            added = state.Bookmarks.Where(b => !stored.Contains(b.Id)).ToList();
        }

        await sql.QueueInsertAsync(
            added.ConvertAll(bookmark => new BookmarkEntity
            {
                Id = bookmark.Id,
                InstanceId = state.Id,
                Name = bookmark.Name,
                Hash = bookmark.Hash,
                ActivityId = bookmark.ActivityId,
                PayloadJson = bookmark.Payload?.ToJsonString(),
                CreatedAt = Instants.ToUtc(bookmark.CreatedAt),
                DueAt = Instants.ToUtc(bookmark.DueAt),
            }),
            cancellationToken);

        var limit = commit.JournalLimit;
        var written = limit is { } keep && journal.Count > keep ? journal.GetRange(journal.Count - keep, keep) : journal;
        await sql.QueueInsertAsync(
            written.ConvertAll(entry => new JournalEntryEntity
            {
                InstanceId = state.Id,
                Sequence = entry.Sequence,
                Timestamp = Instants.ToUtc(entry.Timestamp),
                ActivityId = entry.ActivityId,
                ActivityType = entry.ActivityType,
                Kind = entry.Kind.ToString(),
                Outcomes = entry.Outcomes is null ? null : JsonSerializer.Serialize(entry.Outcomes),
                Message = entry.Message,
            }),
            cancellationToken);

        // The instance row (when new), bookmark changes and journal go to the database in one command.
        await sql.FlushAsync(cancellationToken);

        // The journal keeps the newest entries only: a long-lived or looping instance cannot grow it without bound.
        if (limit is { } max && written.Count > 0 && written[^1].Sequence > max)
        {
            var oldest = written[^1].Sequence - max;
            await db.Journal.Where(j => j.InstanceId == state.Id && j.Sequence <= oldest).ExecuteDeleteAsync(cancellationToken);
        }

        // Incidents (store-generated ids), e-mails and published events are rare; EF Core writes them in the same transaction.
        foreach (var incident in state.Incidents.Skip(previousIncidents))
        {
            db.Incidents.Add(new IncidentEntity
            {
                InstanceId = state.Id,
                ActivityId = incident.ActivityId,
                ActivityType = incident.ActivityType,
                Code = incident.Code,
                Message = incident.Message,
                ExceptionType = incident.ExceptionType,
                StackTrace = incident.StackTrace,
                Timestamp = Instants.ToUtc(incident.Timestamp),
            });
        }

        foreach (var email in commit.Emails)
        {
            db.Outbox.Add(EfOutbox.ToEntity(EfOutbox.FromEmail(email, Guid.CreateVersion7(state.UpdatedAt).ToString("N")), state.UpdatedAt));
        }

        foreach (var stimulus in commit.Stimuli)
        {
            db.Stimuli.Add(EfStimulusStore.ToEntity(stimulus));
        }

        foreach (var write in commit.Writes)
        {
            await _handlers.ApplyAsync(db, write, cancellationToken);
        }

        if (db.ChangeTracker.HasChanges())
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException ex)
            {
                throw new ConcurrencyConflictException($"A record the run of instance '{state.Id}' changed was changed by someone else first.", ex);
            }
        }

        return version;
    }

    public async Task<IReadOnlyList<BookmarkMatch>> FindBookmarksAsync(string hash, string? instanceId, string? correlationId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        if (correlationId is null)
        {
            // The two shapes every stimulus takes (to anyone, or to one instance), precompiled.
            var matches = new List<BookmarkMatch>();
            var rows = instanceId is null ? Queries(db).BookmarksByHash(db, hash) : Queries(db).BookmarksOfInstanceByHash(db, hash, instanceId);
            await foreach (var match in rows.WithCancellation(cancellationToken))
            {
                matches.Add(match);
            }

            return matches;
        }

        var query = db.Bookmarks.AsNoTracking().Where(b => b.Hash == hash);
        if (instanceId is not null)
        {
            query = query.Where(b => b.InstanceId == instanceId);
        }

        query = query.Where(b => db.Instances.Any(i => i.Id == b.InstanceId && i.CorrelationId == correlationId));
        return await query
            .OrderBy(b => b.CreatedAt)
            .Select(b => new BookmarkMatch(b.InstanceId, b.Id))
            .ToListAsync(cancellationToken);
    }

    public async Task SetTimerJobIdAsync(string bookmarkId, string? jobId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await new ModelSql(db).UpdateAsync<BookmarkEntity>([(nameof(BookmarkEntity.JobId), jobId)], [(nameof(BookmarkEntity.Id), bookmarkId)], cancellationToken);
    }

    public async Task<IReadOnlyList<TimerBookmark>> ListDueTimersAsync(DateTimeOffset dueBefore, int take, CancellationToken cancellationToken)
    {
        var due = Instants.ToUtc(dueBefore);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Bookmarks.AsNoTracking()
            .Where(b => b.DueAt != null && b.DueAt <= due)
            .OrderBy(b => b.DueAt)
            .Take(take)
            .Select(b => new { b.InstanceId, b.Id, b.DueAt, b.JobId })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new TimerBookmark(r.InstanceId, r.Id, Instants.FromUtc(r.DueAt!.Value), r.JobId))];
    }

    public async Task<IReadOnlyList<TimerBookmark>> ClaimDueTimersAsync(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int take, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        return await TimerClaimSql.ClaimAsync(db, owner, Instants.ToUtc(now), Instants.ToUtc(claimedUntil), take, cancellationToken);
    }

    public async Task<InstanceSummary?> GetSummaryAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var row = await Queries(db).Summary(db, instanceId, cancellationToken);
        return row is null ? null : ToSummary(row);
    }

    public async Task<Page<InstanceSummary>> ListAsync(InstanceQuery query, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Instances.AsNoTracking();
        if (query.DefinitionId is not null)
        {
            rows = rows.Where(i => i.DefinitionId == query.DefinitionId);
        }

        if (query.Status is { } status)
        {
            var text = status.ToString();
            rows = rows.Where(i => i.Status == text);
        }

        if (query.CorrelationId is not null)
        {
            rows = rows.Where(i => i.CorrelationId == query.CorrelationId);
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows
            .OrderByDescending(i => i.CreatedAt).ThenBy(i => i.Id)
            .Skip(query.Skip)
            .Take(query.Take)
            .ToListAsync(cancellationToken);
        return new Page<InstanceSummary>([.. items.Select(ToSummary)], total, query.Skip, query.Take);
    }

    public Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken) =>
        GetJournalAsync(instanceId, 0, int.MaxValue, cancellationToken);

    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, long afterSequence, int take, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Journal.AsNoTracking()
            .Where(j => j.InstanceId == instanceId && j.Sequence > afterSequence)
            .OrderBy(j => j.Sequence)
            .Take(take)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new JournalEntry
        {
            Sequence = r.Sequence,
            Timestamp = Instants.FromUtc(r.Timestamp),
            ActivityId = r.ActivityId,
            ActivityType = r.ActivityType,
            Kind = Enum.Parse<JournalEventKind>(r.Kind),
            Outcomes = r.Outcomes is null ? null : JsonSerializer.Deserialize<string[]>(r.Outcomes),
            Message = r.Message,
        })];
    }

    public async Task<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Incidents.AsNoTracking()
            .Where(i => i.InstanceId == instanceId)
            .OrderBy(i => i.Id)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new Incident
        {
            ActivityId = r.ActivityId,
            ActivityType = r.ActivityType,
            Code = r.Code,
            Message = r.Message,
            ExceptionType = r.ExceptionType,
            StackTrace = r.StackTrace,
            Timestamp = Instants.FromUtc(r.Timestamp),
        })];
    }

    private static InstanceSummary ToSummary(WorkflowInstanceEntity e) => ToSummary(new SummaryRow(
        e.Id, e.DefinitionId, e.DefinitionVersionId, e.DefinitionVersion, e.CorrelationId, e.Status, e.IncidentCount, e.CreatedAt, e.UpdatedAt, e.FinishedAt));

    private static InstanceSummary ToSummary(SummaryRow e) => new(
        e.Id,
        e.DefinitionId,
        e.DefinitionVersionId,
        e.DefinitionVersion,
        e.CorrelationId,
        Enum.Parse<WorkflowStatus>(e.Status),
        e.IncidentCount,
        Instants.FromUtc(e.CreatedAt),
        Instants.FromUtc(e.UpdatedAt),
        Instants.FromUtc(e.FinishedAt));

    private sealed record StateRow(string StateJson, long Version);

    private sealed record TimerJobRow(string Id, string? JobId);

    /// <summary>An instance row without its state, which a summary does not need.</summary>
    private sealed record SummaryRow(
        string Id,
        string DefinitionId,
        string DefinitionVersionId,
        int DefinitionVersion,
        string? CorrelationId,
        string Status,
        int IncidentCount,
        DateTime CreatedAt,
        DateTime UpdatedAt,
        DateTime? FinishedAt);

    private static CompiledQueries Queries(DbContext db) => Compiled.GetValue(db.Model, _ => new CompiledQueries());

    private sealed class CompiledQueries
    {
        public Func<ChangeFlowDbContext, string, CancellationToken, Task<StateRow?>> LoadState { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string id, CancellationToken _) =>
                db.Instances.AsNoTracking().Where(i => i.Id == id).Select(i => new StateRow(i.StateJson, i.Version)).FirstOrDefault());

        public Func<ChangeFlowDbContext, string, IAsyncEnumerable<TimerJobRow>> TimerJobs { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string id) =>
                db.Bookmarks.AsNoTracking().Where(b => b.InstanceId == id && b.DueAt != null).Select(b => new TimerJobRow(b.Id, b.JobId)));

        public Func<ChangeFlowDbContext, string, long, CancellationToken, Task<int?>> IncidentCount { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string id, long version, CancellationToken _) =>
                db.Instances.Where(i => i.Id == id && i.Version == version).Select(i => (int?)i.IncidentCount).FirstOrDefault());

        public Func<ChangeFlowDbContext, string, IAsyncEnumerable<string>> BookmarkIds { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string id) => db.Bookmarks.Where(b => b.InstanceId == id).Select(b => b.Id));

        public Func<ChangeFlowDbContext, string, IAsyncEnumerable<BookmarkMatch>> BookmarksByHash { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string hash) =>
                db.Bookmarks.AsNoTracking().Where(b => b.Hash == hash).OrderBy(b => b.CreatedAt).Select(b => new BookmarkMatch(b.InstanceId, b.Id)));

        public Func<ChangeFlowDbContext, string, string, IAsyncEnumerable<BookmarkMatch>> BookmarksOfInstanceByHash { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string hash, string instanceId) =>
                db.Bookmarks.AsNoTracking().Where(b => b.Hash == hash && b.InstanceId == instanceId).OrderBy(b => b.CreatedAt).Select(b => new BookmarkMatch(b.InstanceId, b.Id)));

        public Func<ChangeFlowDbContext, string, CancellationToken, Task<SummaryRow?>> Summary { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string id, CancellationToken _) =>
                db.Instances.AsNoTracking().Where(i => i.Id == id).Select(i => new SummaryRow(
                    i.Id, i.DefinitionId, i.DefinitionVersionId, i.DefinitionVersion, i.CorrelationId, i.Status, i.IncidentCount, i.CreatedAt, i.UpdatedAt, i.FinishedAt)).FirstOrDefault());
    }
}
