using System.Linq.Expressions;
using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Replaces a whole row outside a workflow run only when it is still at the version the caller read: the version is
/// the concurrency token, so a row changed meanwhile updates nothing and the caller gets a
/// <see cref="ConcurrencyConflictException"/> saying what was stale.
/// </summary>
internal static class VersionedUpdate
{
    /// <summary>Writes <paramref name="entity"/> (already carrying version <paramref name="expectedVersion"/> + 1).</summary>
    public static async Task SaveAsync<TEntity>(
        IDbContextFactory<ChangeFlowDbContext> factory,
        TEntity entity,
        Expression<Func<TEntity, long>> version,
        long expectedVersion,
        string what,
        CancellationToken cancellationToken)
        where TEntity : class
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        var entry = db.Attach(entity);
        entry.State = EntityState.Modified;
        entry.Property(version).OriginalValue = expectedVersion;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ConcurrencyConflictException($"{what} changed since version {expectedVersion}.", ex);
        }
    }
}
