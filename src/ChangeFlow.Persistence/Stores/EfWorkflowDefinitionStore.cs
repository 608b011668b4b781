using System.Runtime.CompilerServices;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Definition versions in EF Core. Published versions are never updated.</summary>
public sealed class EfWorkflowDefinitionStore : IWorkflowDefinitionStore
{
    // The queries every run makes are compiled once: translating a LINQ query costs several times what running it does.
    // A compiled query belongs to one model, and a process may use several (one per provider), so each model gets its own.
    private static readonly ConditionalWeakTable<IModel, CompiledQueries> Compiled = [];

    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfWorkflowDefinitionStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    public async Task<DefinitionVersion?> FindVersionAsync(string versionId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await Queries(db).FindVersion(db, versionId, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<DefinitionVersion?> FindPublishedAsync(string definitionId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await Queries(db).FindPublished(db, definitionId, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<DefinitionVersion?> FindLatestAsync(string definitionId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Definitions.AsNoTracking()
            .Where(d => d.DefinitionId == definitionId)
            .OrderByDescending(d => d.Version)
            .FirstOrDefaultAsync(cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<IReadOnlyList<DefinitionVersion>> ListVersionsAsync(string definitionId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entities = await db.Definitions.AsNoTracking()
            .Where(d => d.DefinitionId == definitionId)
            .OrderBy(d => d.Version)
            .ToListAsync(cancellationToken);
        return [.. entities.Select(ToModel)];
    }

    public async Task<IReadOnlyList<DefinitionVersion>> ListLatestAsync(CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entities = await db.Definitions.AsNoTracking()
            .Where(d => d.IsLatest)
            .OrderBy(d => d.DefinitionId)
            .ToListAsync(cancellationToken);
        return [.. entities.Select(ToModel)];
    }

    public async Task AddVersionAsync(DefinitionVersion version, bool publish, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Definitions
            .Where(d => d.DefinitionId == version.DefinitionId && d.IsLatest)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.IsLatest, false), cancellationToken);
        if (publish)
        {
            await db.Definitions
                .Where(d => d.DefinitionId == version.DefinitionId && d.IsPublished)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.IsPublished, false), cancellationToken);
        }

        db.Definitions.Add(ToEntity(version with { IsLatest = true, IsPublished = publish }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            throw new ConcurrencyConflictException($"Version {version.Version} of '{version.DefinitionId}' already exists.", ex);
        }
    }

    public async Task UpdateDraftAsync(DefinitionVersion version, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var updated = await db.Definitions
            .Where(d => d.Id == version.Id && d.PublishedAt == null)
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Json, version.Json)
                    .SetProperty(d => d.ContentHash, version.ContentHash)
                    .SetProperty(d => d.Name, version.Name)
                    .SetProperty(d => d.Description, version.Description),
                cancellationToken);
        if (updated == 0)
        {
            throw new ConcurrencyConflictException($"Version '{version.Id}' is or was published (or is gone) and cannot be changed.");
        }
    }

    public async Task PublishAsync(string versionId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var target = await db.Definitions.FirstOrDefaultAsync(d => d.Id == versionId, cancellationToken)
            ?? throw new InvalidOperationException($"No definition version '{versionId}'.");
        await db.Definitions
            .Where(d => d.DefinitionId == target.DefinitionId && d.IsPublished && d.Id != versionId)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.IsPublished, false), cancellationToken);
        target.IsPublished = true;
        target.PublishedAt = Instants.ToUtc(at);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static DefinitionVersion ToModel(WorkflowDefinitionEntity e) =>
        new(e.Id, e.DefinitionId, e.Version, e.Name, e.Description, e.IsLatest, e.IsPublished, e.Json, e.ContentHash, e.Source, Instants.FromUtc(e.CreatedAt), Instants.FromUtc(e.PublishedAt));

    private static WorkflowDefinitionEntity ToEntity(DefinitionVersion v) => new()
    {
        Id = v.Id,
        DefinitionId = v.DefinitionId,
        Version = v.Version,
        Name = v.Name,
        Description = v.Description,
        IsLatest = v.IsLatest,
        IsPublished = v.IsPublished,
        Json = v.Json,
        ContentHash = v.ContentHash,
        Source = v.Source,
        CreatedAt = Instants.ToUtc(v.CreatedAt),
        PublishedAt = Instants.ToUtc(v.PublishedAt),
    };

    private static CompiledQueries Queries(DbContext db) => Compiled.GetValue(db.Model, _ => new CompiledQueries());

    private sealed class CompiledQueries
    {
        public Func<ChangeFlowDbContext, string, CancellationToken, Task<WorkflowDefinitionEntity?>> FindVersion { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string id, CancellationToken _) => db.Definitions.AsNoTracking().FirstOrDefault(d => d.Id == id));

        public Func<ChangeFlowDbContext, string, CancellationToken, Task<WorkflowDefinitionEntity?>> FindPublished { get; } =
            EF.CompileAsyncQuery((ChangeFlowDbContext db, string definitionId, CancellationToken _) =>
                db.Definitions.AsNoTracking().Where(d => d.DefinitionId == definitionId && d.IsPublished).OrderByDescending(d => d.Version).FirstOrDefault());
    }
}
