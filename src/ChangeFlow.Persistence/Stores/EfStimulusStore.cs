using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>The stimulus inbox in EF Core.</summary>
public sealed class EfStimulusStore : IStimulusStore
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfStimulusStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    public async Task AddAsync(StimulusRecord stimulus, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        db.Stimuli.Add(ToEntity(stimulus));
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<StimulusRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Stimuli.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task UpdateAsync(StimulusRecord stimulus, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var updated = await db.Stimuli
            .Where(s => s.Id == stimulus.Id && s.Version == stimulus.Version)
            .ExecuteUpdateAsync(
                s => s.SetProperty(x => x.Status, stimulus.Status.ToString())
                    .SetProperty(x => x.Attempts, stimulus.Attempts)
                    .SetProperty(x => x.ResumedCount, stimulus.ResumedCount)
                    .SetProperty(x => x.NextAttemptAt, Instants.ToUtc(stimulus.NextAttemptAt))
                    .SetProperty(x => x.CompletedAt, Instants.ToUtc(stimulus.CompletedAt))
                    .SetProperty(x => x.LastError, stimulus.LastError)
                    .SetProperty(x => x.Version, stimulus.Version + 1),
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
        Status = Enum.Parse<StimulusStatus>(e.Status),
        Attempts = e.Attempts,
        ResumedCount = e.ResumedCount,
        CreatedAt = Instants.FromUtc(e.CreatedAt),
        NextAttemptAt = Instants.FromUtc(e.NextAttemptAt),
        CompletedAt = Instants.FromUtc(e.CompletedAt),
        LastError = e.LastError,
        Version = e.Version,
    };
}
