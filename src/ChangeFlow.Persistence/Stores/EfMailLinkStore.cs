using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>The link-signing keys and link redemptions of approve by e-mail.</summary>
public sealed class EfMailLinkStore : IMailLinkKeyStore, IMailLinkRedemptionStore
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfMailLinkStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MailLinkKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Set<MailLinkKeyEntity>().AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.Select(r => new MailLinkKey(r.Id, r.Secret, Instants.FromUtc(r.CreatedAt)))];
    }

    /// <inheritdoc />
    public async Task<bool> TryAddAsync(MailLinkKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        using var turn = await WriteGate.EnterAsync(db, cancellationToken);
        if (await db.Set<MailLinkKeyEntity>().AnyAsync(k => k.Id == key.Id, cancellationToken))
        {
            return false;
        }

        db.Add(new MailLinkKeyEntity { Id = key.Id, Secret = key.Secret, CreatedAt = Instants.ToUtc(key.CreatedAt) });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            // Another node inserted the same id between the check and the insert: its key stands.
            await using var again = await _factory.CreateDbContextAsync(cancellationToken);
            if (await again.Set<MailLinkKeyEntity>().AnyAsync(k => k.Id == key.Id, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async Task<MailLinkRedemption?> FindAsync(string tokenId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Set<MailLinkRedemptionEntity>().AsNoTracking().FirstOrDefaultAsync(r => r.TokenId == tokenId, cancellationToken);
        return row is null
            ? null
            : new MailLinkRedemption(row.TokenId, row.TaskId, row.UserId, Enum.Parse<ApprovalAction>(row.Action), row.AttemptId, Instants.FromUtc(row.RedeemedAt));
    }
}

/// <summary>
/// Records a link's use with the run that completes its task. A link already recorded means the run read a stale
/// state (the task was completed meanwhile): the run is retried on fresh data, where it no longer completes the task.
/// </summary>
public sealed class MailLinkRedemptionWriteHandler : RunWriteHandler<MailLinkRedemptionWrite>
{
    /// <inheritdoc />
    protected override async ValueTask ApplyAsync(ChangeFlowDbContext db, MailLinkRedemptionWrite write, CancellationToken cancellationToken)
    {
        var r = write.Redemption;
        if (await db.Set<MailLinkRedemptionEntity>().AnyAsync(x => x.TokenId == r.TokenId, cancellationToken))
        {
            throw new ConcurrencyConflictException($"The link {r.TokenId} was used meanwhile.");
        }

        db.Add(new MailLinkRedemptionEntity
        {
            TokenId = r.TokenId,
            TaskId = r.TaskId,
            UserId = r.UserId,
            Action = r.Action.ToString(),
            AttemptId = r.AttemptId,
            RedeemedAt = Instants.ToUtc(r.RedeemedAt),
        });
    }
}
