using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ChangeFlow.Persistence.Stores;

/// <summary>The stimulus inbox in EF Core.</summary>
public sealed class EfStimulusStore : IStimulusStore
{
    // The queries every run makes are compiled once: translating a LINQ query costs several times what running it does.
    // A compiled query belongs to one model, and a process may use several (one per provider), so each model gets its own.
    private static readonly ConditionalWeakTable<IModel, CompiledQueries> Compiled = [];

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfStimulusStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    public async Task AddAsync(StimulusRecord stimulus, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await new ModelSql(db).InsertAsync([ToEntity(stimulus)], cancellationToken);
    }

    public async Task<StimulusRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await Queries(db).Find(db, id, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task UpdateAsync(StimulusRecord stimulus, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var updated = await new ModelSql(db).UpdateAsync<StimulusEntity>(
            [
                (nameof(StimulusEntity.Status), stimulus.Status.ToString()),
                (nameof(StimulusEntity.Attempts), stimulus.Attempts),
                (nameof(StimulusEntity.ResumedCount), stimulus.ResumedCount),
                (nameof(StimulusEntity.NextAttemptAt), Instants.ToUtc(stimulus.NextAttemptAt)),
                (nameof(StimulusEntity.CompletedAt), Instants.ToUtc(stimulus.CompletedAt)),
                (nameof(StimulusEntity.LastError), stimulus.LastError),
                (nameof(StimulusEntity.Version), stimulus.Version + 1),
            ],
            [(nameof(StimulusEntity.Id), stimulus.Id), (nameof(StimulusEntity.Version), stimulus.Version)],
            cancellationToken);
        if (updated == 0)
        {
            throw new ConcurrencyConflictException($"Stimulus '{stimulus.Id}' was processed by someone else.");
        }

        stimulus.Version++;
    }

    public async Task<IReadOnlyList<StimulusRecord>> ListPendingAsync(DateTimeOffset dueBefore, int take, CancellationToken cancellationToken)
    {
        var due = Instants.ToUtc(dueBefore);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entities = await db.Stimuli.AsNoTracking()
            .Where(s => s.Status == nameof(StimulusStatus.Pending) && s.NextAttemptAt <= due)
            .OrderBy(s => s.NextAttemptAt)
            .Take(take)
            .ToListAsync(cancellationToken);
        return [.. entities.Select(ToModel)];
    }

    public async Task<IReadOnlyList<StimulusRecord>> ListDeadLetteredAsync(int take, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entities = await db.Stimuli.AsNoTracking()
            .Where(s => s.Status == nameof(StimulusStatus.DeadLettered))
            .OrderByDescending(s => s.CreatedAt)
            .Take(take)
            .ToListAsync(cancellationToken);
        return [.. entities.Select(ToModel)];
    }

    internal static StimulusEntity ToEntity(StimulusRecord s) => new()
    {
        Id = s.Id,
        Name = s.Name,
        Hash = s.Hash,
        PayloadJson = s.Payload?.ToJsonString(),
        InputJson = s.Input?.ToJsonString(),
        InstanceId = s.InstanceId,
        CorrelationId = s.CorrelationId,
        Actor = s.Actor,
        Status = s.Status.ToString(),
        Attempts = s.Attempts,
        ResumedCount = s.ResumedCount,
        CreatedAt = Instants.ToUtc(s.CreatedAt),
        NextAttemptAt = Instants.ToUtc(s.NextAttemptAt),
        CompletedAt = Instants.ToUtc(s.CompletedAt),
        LastError = s.LastError,
        Version = s.Version,
    };

    private static StimulusRecord ToModel(StimulusEntity e) => new()
    {
        Id = e.Id,
        Name = e.Name,
        Hash = e.Hash,
        Payload = e.PayloadJson is null ? null : JsonNode.Parse(e.PayloadJson),
        Input = e.InputJson is null ? null : JsonNode.Parse(e.InputJson),
        InstanceId = e.InstanceId,
        CorrelationId = e.CorrelationId,
        Actor = e.Actor,
        Status = Enum.Parse<StimulusStatus>(e.Status),
        Attempts = e.Attempts,
        ResumedCount = e.ResumedCount,
        CreatedAt = Instants.FromUtc(e.CreatedAt),
        NextAttemptAt = Instants.FromUtc(e.NextAttemptAt),
        CompletedAt = Instants.FromUtc(e.CompletedAt),
        LastError = e.LastError,
        Version = e.Version,
    };

    private static CompiledQueries Queries(DbContext db) => Compiled.GetValue(db.Model, _ => new CompiledQueries());

    private sealed class CompiledQueries
    {
        public Func<ChangeFlowDbContext, string, CancellationToken, Task<StimulusEntity?>> Find { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string id, CancellationToken _) => db.Stimuli.AsNoTracking().FirstOrDefault(s => s.Id == id));
    }
}
