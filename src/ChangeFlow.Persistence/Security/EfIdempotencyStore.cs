using ChangeFlow.Application.Security;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence.Stores;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Security;

/// <summary>Idempotency records in EF Core; the primary key (user, key) arbitrates between concurrent requests.</summary>
public sealed class EfIdempotencyStore : IIdempotencyStore
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfIdempotencyStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    public async Task<IdempotencyRecord?> TryBeginAsync(IdempotencyRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);

        // The loser of an insert race reads the winner's row; if that row vanished meanwhile (failed and deleted), try again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var existing = await FindAsync(record.UserId, record.Key, cancellationToken);
            if (existing is not null)
            {
                return existing;
            }

            await using var db = await _factory.CreateDbContextAsync(cancellationToken);
            db.Set<IdempotencyRecordEntity>().Add(new IdempotencyRecordEntity
            {
                UserId = record.UserId,
                Key = record.Key,
                Method = record.Method,
                Path = record.Path,
                BodyHash = record.BodyHash,
                CreatedAt = Instants.ToUtc(record.CreatedAt),
                ExpiresAt = Instants.ToUtc(record.ExpiresAt),
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return null;
            }
            catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
            {
                // Someone inserted the same (user, key) first: loop to read their row.
            }
        }

        throw new InvalidOperationException($"Idempotency key '{record.Key}' kept changing hands; giving up.");
    }

    public async Task CompleteAsync(string userId, string key, int statusCode, byte[] body, string? contentType, string? location, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        var when = Instants.ToUtc(completedAt);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await db.Set<IdempotencyRecordEntity>()
            .Where(r => r.UserId == userId && r.Key == key)
            .ExecuteUpdateAsync(
                s => s.SetProperty(r => r.StatusCode, statusCode)
                    .SetProperty(r => r.ResponseBody, body)
                    .SetProperty(r => r.ContentType, contentType)
                    .SetProperty(r => r.Location, location)
                    .SetProperty(r => r.CompletedAt, when),
                cancellationToken);
    }

    public async Task DeleteAsync(string userId, string key, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await db.Set<IdempotencyRecordEntity>().Where(r => r.UserId == userId && r.Key == key).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task AbandonAsync(IdempotencyClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var claimedAt = Instants.ToUtc(claim.ClaimedAt);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await db.Set<IdempotencyRecordEntity>()
            .Where(r => r.UserId == claim.UserId && r.Key == claim.Key && r.CreatedAt == claimedAt && r.CompletedAt == null && r.Location == null)
            .ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="seal"/> on <paramref name="db"/>'s connection, inside the transaction that commits the
    /// effect: the claim's record names the created resource. Throws when the claim is no longer held, so that
    /// transaction rolls back.
    /// </summary>
    internal static async Task SealAsync(ChangeFlowDbContext db, IdempotencySealWrite seal, CancellationToken cancellationToken)
    {
        var claimedAt = Instants.ToUtc(seal.Claim.ClaimedAt);
        var sealedRows = await db.Set<IdempotencyRecordEntity>()
            .Where(r => r.UserId == seal.Claim.UserId && r.Key == seal.Claim.Key && r.CreatedAt == claimedAt && r.CompletedAt == null && r.Location == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Location, seal.ResourceId), cancellationToken);
        if (sealedRows == 0)
        {
            throw new ConcurrencyConflictException($"The request no longer holds Idempotency-Key '{seal.Claim.Key}'; its effect is not committed.");
        }
    }

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var threshold = Instants.ToUtc(now);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        return await db.Set<IdempotencyRecordEntity>().Where(r => r.ExpiresAt <= threshold).ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<IdempotencyRecord?> FindAsync(string userId, string key, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var e = await db.Set<IdempotencyRecordEntity>().AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId && r.Key == key, cancellationToken);
        return e is null
            ? null
            : new IdempotencyRecord
            {
                UserId = e.UserId,
                Key = e.Key,
                Method = e.Method,
                Path = e.Path,
                BodyHash = e.BodyHash,
                CreatedAt = Instants.FromUtc(e.CreatedAt),
                ExpiresAt = Instants.FromUtc(e.ExpiresAt),
                CompletedAt = Instants.FromUtc(e.CompletedAt),
                StatusCode = e.StatusCode,
                ResponseBody = e.ResponseBody,
                ContentType = e.ContentType,
                Location = e.Location,
            };
    }
}

/// <summary>Seals an idempotency claim with the run that commits its effect (a workflow instance's start).</summary>
public sealed class IdempotencySealWriteHandler : RunWriteHandler<IdempotencySealWrite>
{
    /// <inheritdoc />
    protected override async ValueTask ApplyAsync(ChangeFlowDbContext db, IdempotencySealWrite write, CancellationToken cancellationToken) =>
        await EfIdempotencyStore.SealAsync(db, write, cancellationToken);
}
