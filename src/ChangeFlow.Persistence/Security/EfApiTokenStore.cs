using ChangeFlow.Application.Security;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Security;

/// <summary>API tokens in EF Core.</summary>
public sealed class EfApiTokenStore : IApiTokenStore
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfApiTokenStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    public async Task<bool> AddAsync(ApiTokenRecord token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        db.Set<ApiTokenEntity>().Add(new ApiTokenEntity
        {
            Id = token.Id,
            UserId = token.UserId,
            Name = token.Name,
            SecretHash = token.SecretHash,
            Prefix = token.Prefix,
            CreatedAt = Instants.ToUtc(token.CreatedAt),
            ExpiresAt = Instants.ToUtc(token.ExpiresAt),
            LastUsedAt = Instants.ToUtc(token.LastUsedAt),
            RevokedAt = Instants.ToUtc(token.RevokedAt),
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            if (await FindBySecretHashAsync(token.SecretHash, cancellationToken) is not null)
            {
                return false;
            }

            throw;
        }
    }

    public async Task<ApiTokenRecord?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<ApiTokenEntity>().AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == secretHash, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<IReadOnlyList<ApiTokenRecord>> ListByUserAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entities = await db.Set<ApiTokenEntity>().AsNoTracking()
            .Where(t => t.UserId == userId)
            .OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id)
            .ToListAsync(cancellationToken);
        return [.. entities.Select(ToModel)];
    }

    public async Task<bool> RevokeAsync(string userId, string tokenId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var when = Instants.ToUtc(at);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var tokens = db.Set<ApiTokenEntity>().Where(t => t.Id == tokenId && t.UserId == userId);
        await tokens.Where(t => t.RevokedAt == null).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, when), cancellationToken);
        return await tokens.AnyAsync(cancellationToken);
    }

    public async Task TouchAsync(string tokenId, DateTimeOffset at, DateTimeOffset notBefore, CancellationToken cancellationToken)
    {
        var when = Instants.ToUtc(at);
        var threshold = Instants.ToUtc(notBefore);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await db.Set<ApiTokenEntity>()
            .Where(t => t.Id == tokenId && (t.LastUsedAt == null || t.LastUsedAt <= threshold))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, when), cancellationToken);
    }

    private static ApiTokenRecord ToModel(ApiTokenEntity e) => new()
    {
        Id = e.Id,
        UserId = e.UserId,
        Name = e.Name,
        SecretHash = e.SecretHash,
        Prefix = e.Prefix,
        CreatedAt = Instants.FromUtc(e.CreatedAt),
        ExpiresAt = Instants.FromUtc(e.ExpiresAt),
        LastUsedAt = Instants.FromUtc(e.LastUsedAt),
        RevokedAt = Instants.FromUtc(e.RevokedAt),
    };
}
