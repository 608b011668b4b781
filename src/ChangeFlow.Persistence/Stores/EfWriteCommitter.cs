using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Commits run writes outside a run in one transaction, with the handlers a run's commit uses (see
/// <see cref="IRunWriteHandler"/>): a stale change version rolls everything back as a <see cref="ConcurrencyConflictException"/>.
/// </summary>
public sealed class EfWriteCommitter : IWriteCommitter
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;
    private readonly RunWriteHandlers _handlers;

    /// <summary>Creates the committer with the registered handlers.</summary>
    public EfWriteCommitter(IDbContextFactory<ChangeFlowDbContext> factory, IEnumerable<IRunWriteHandler> handlers)
    {
        _factory = factory;
        _handlers = new RunWriteHandlers(handlers);
    }

    /// <inheritdoc />
    public async Task CommitAsync(IReadOnlyList<IRunWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var write in writes)
        {
            await _handlers.ApplyAsync(db, write, cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException ex)
        {
            throw new ConcurrencyConflictException("A record was changed by someone else first; nothing was written.", ex);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
