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
    /// <summary>
    /// Writes <paramref name="entity"/> (already carrying version <paramref name="expectedVersion"/> + 1). When
    /// <paramref name="alongside"/> is given it runs first, in the same transaction (it sees the row as it was), and
    /// its writes are undone with the update when the version is stale.
    /// </summary>
    public static async Task SaveAsync<TEntity>(
        IDbContextFactory<ChangeFlowDbContext> factory,
        TEntity entity,
        Expression<Func<TEntity, long>> version,
        long expectedVersion,
        string what,
        CancellationToken cancellationToken,
        Func<ChangeFlowDbContext, CancellationToken, Task>? alongside = null)
        where TEntity : class
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        await using var transaction = alongside is null ? null : await db.Database.BeginTransactionAsync(cancellationToken);
        if (alongside is not null)
        {
            await alongside(db, cancellationToken);
        }

        var entry = db.Attach(entity);
        entry.State = EntityState.Modified;
        entry.Property(version).OriginalValue = expectedVersion;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ConcurrencyConflictException($"{what} changed since version {expectedVersion}.", ex);
        }
    }
}
