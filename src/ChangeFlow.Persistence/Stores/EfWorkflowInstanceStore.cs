using System.Text.Json;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Instances in EF Core. The state JSON holds everything but the journal, which has its own table (so state stays
/// small however long an instance lives); bookmarks are also rows of their own, indexed by hash and due time.
/// </summary>
public sealed class EfWorkflowInstanceStore : IWorkflowInstanceStore
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfWorkflowInstanceStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    public async Task<InstanceSnapshot?> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Instances.AsNoTracking()
            .Where(i => i.Id == instanceId)
            .Select(i => new { i.StateJson, i.Version })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }

        var jobs = await db.Bookmarks.AsNoTracking()
            .Where(b => b.InstanceId == instanceId && b.DueAt != null)
            .Select(b => new { b.Id, b.JobId })
            .ToDictionaryAsync(b => b.Id, b => b.JobId, cancellationToken);
        return new InstanceSnapshot(WorkflowStateSerializer.Deserialize(row.StateJson), row.Version, jobs);
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
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var version = (commit.ExpectedVersion ?? 0) + 1;
        int previousIncidents;
        if (commit.ExpectedVersion is null)
        {
            previousIncidents = 0;
            db.Instances.Add(new WorkflowInstanceEntity
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
            });
        }
        else
        {
            // The version check is the WHERE clause: no row means another run committed first.
            var expected = commit.ExpectedVersion.Value;
            var current = await db.Instances
                .Where(i => i.Id == state.Id && i.Version == expected)
                .Select(i => new { i.IncidentCount })
                .FirstOrDefaultAsync(cancellationToken);
            var updated = current is null ? 0 : await db.Instances
                .Where(i => i.Id == state.Id && i.Version == expected)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(i => i.Status, state.Status.ToString())
                        .SetProperty(i => i.StateJson, stateJson)
                        .SetProperty(i => i.CorrelationId, state.CorrelationId)
                        .SetProperty(i => i.IncidentCount, state.Incidents.Count)
                        .SetProperty(i => i.UpdatedAt, Instants.ToUtc(state.UpdatedAt))
                        .SetProperty(i => i.FinishedAt, Instants.ToUtc(state.FinishedAt))
                        .SetProperty(i => i.Version, version),
                    cancellationToken);
            if (updated == 0)
            {
                throw new ConcurrencyConflictException($"Instance '{state.Id}' changed since version {expected}.");
            }

            previousIncidents = current!.IncidentCount;
        }

        var open = state.Bookmarks.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        var stored = await db.Bookmarks.Where(b => b.InstanceId == state.Id).Select(b => b.Id).ToListAsync(cancellationToken);
        var removed = stored.Where(id => !open.Contains(id)).ToList();
        if (removed.Count > 0)
        {
            await db.Bookmarks.Where(b => removed.Contains(b.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        var storedSet = stored.ToHashSet(StringComparer.Ordinal);
        foreach (var bookmark in state.Bookmarks.Where(b => !storedSet.Contains(b.Id)))
        {
            db.Bookmarks.Add(new BookmarkEntity
            {
                Id = bookmark.Id,
                InstanceId = state.Id,
                Name = bookmark.Name,
                Hash = bookmark.Hash,
                ActivityId = bookmark.ActivityId,
                PayloadJson = bookmark.Payload?.ToJsonString(),
                CreatedAt = Instants.ToUtc(bookmark.CreatedAt),
                DueAt = Instants.ToUtc(bookmark.DueAt),
            });
        }

        foreach (var entry in journal)
        {
            db.Journal.Add(new JournalEntryEntity
            {
                InstanceId = state.Id,
                Sequence = entry.Sequence,
                Timestamp = Instants.ToUtc(entry.Timestamp),
                ActivityId = entry.ActivityId,
                ActivityType = entry.ActivityType,
                Kind = entry.Kind.ToString(),
                Outcomes = entry.Outcomes is null ? null : JsonSerializer.Serialize(entry.Outcomes),
                Message = entry.Message,
            });
        }

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
            db.Outbox.Add(new OutboxMessageEntity
            {
                Id = Guid.CreateVersion7(state.UpdatedAt).ToString("N"),
                InstanceId = email.InstanceId,
                ActivityId = email.ActivityId,
                From = email.From,
                To = JsonSerializer.Serialize(email.To),
                Cc = JsonSerializer.Serialize(email.Cc),
                Bcc = JsonSerializer.Serialize(email.Bcc),
                Subject = email.Subject,
                Body = email.Body,
                Status = "Pending",
                CreatedAt = Instants.ToUtc(state.UpdatedAt),
            });
        }

        foreach (var stimulus in commit.Stimuli)
        {
            db.Stimuli.Add(EfStimulusStore.ToEntity(stimulus));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        journal.Clear();
        return version;
    }

    public async Task<IReadOnlyList<BookmarkMatch>> FindBookmarksAsync(string hash, string? instanceId, string? correlationId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var query = db.Bookmarks.AsNoTracking().Where(b => b.Hash == hash);
        if (instanceId is not null)
        {
            query = query.Where(b => b.InstanceId == instanceId);
        }

        if (correlationId is not null)
        {
            query = query.Where(b => db.Instances.Any(i => i.Id == b.InstanceId && i.CorrelationId == correlationId));
        }

        return await query
            .OrderBy(b => b.CreatedAt)
            .Select(b => new BookmarkMatch(b.InstanceId, b.Id))
            .ToListAsync(cancellationToken);
    }

    public async Task SetTimerJobIdAsync(string bookmarkId, string? jobId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await db.Bookmarks.Where(b => b.Id == bookmarkId).ExecuteUpdateAsync(s => s.SetProperty(b => b.JobId, jobId), cancellationToken);
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

    public async Task<InstanceSummary?> GetSummaryAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        return entity is null ? null : ToSummary(entity);
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

    public async Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Journal.AsNoTracking()
            .Where(j => j.InstanceId == instanceId)
            .OrderBy(j => j.Sequence)
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

    private static InstanceSummary ToSummary(WorkflowInstanceEntity e) => new(
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

    internal static JsonNode? Parse(string? json) => json is null ? null : JsonNode.Parse(json);
}
