using ChangeFlow.Application.Common;
using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>Reference documents (CAB boards, templates, registry entries, blackouts, routing) in <c>reference_documents</c>.</summary>
public sealed class EfReferenceStore : IReferenceStore
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfReferenceStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public async Task<ReferenceDocument?> FindAsync(string kind, string id, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<ReferenceDocumentEntity>().AsNoTracking().FirstOrDefaultAsync(d => d.Kind == kind && d.Id == id, cancellationToken);
        return row is null ? null : FromEntity(row);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReferenceDocument>> ListAsync(string kind, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<ReferenceDocumentEntity>().AsNoTracking().Where(d => d.Kind == kind).OrderBy(d => d.Id).ToListAsync(cancellationToken);
        return [.. rows.Select(FromEntity)];
    }

    /// <inheritdoc />
    public async Task<long> PutAsync(string kind, string id, string json, long? expectedVersion, DateTimeOffset at, string? by, CancellationToken cancellationToken)
    {
        var entity = new ReferenceDocumentEntity
        {
            Kind = kind,
            Id = id,
            Json = json,
            Version = (expectedVersion ?? 0) + 1,
            UpdatedAt = Instants.ToUtc(at),
            UpdatedBy = by,
        };
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        if (expectedVersion is null)
        {
            if (await db.Set<ReferenceDocumentEntity>().AnyAsync(d => d.Kind == kind && d.Id == id, cancellationToken))
            {
                throw new ConcurrencyConflictException($"The {kind} '{id}' already exists.");
            }

            db.Add(entity);
        }
        else
        {
            var entry = db.Attach(entity);
            entry.State = EntityState.Modified;
            entry.Property(x => x.Version).OriginalValue = expectedVersion.Value;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            // A stale version (no row matched), or a concurrent creation of the same document.
            throw new ConcurrencyConflictException($"The {kind} '{id}' is not at version {expectedVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}.", ex);
        }

        return entity.Version;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        return await db.Set<ReferenceDocumentEntity>().Where(d => d.Kind == kind && d.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    private static ReferenceDocument FromEntity(ReferenceDocumentEntity e) =>
        new(e.Kind, e.Id, e.Json, e.Version, Instants.FromUtc(e.UpdatedAt), e.UpdatedBy);
}
