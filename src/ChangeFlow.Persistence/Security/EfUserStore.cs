using ChangeFlow.Application.Security;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Security;

/// <summary>Users in EF Core; also the <see cref="IUserDirectory"/> other features look users up in.</summary>
public sealed class EfUserStore : IUserStore, IUserDirectory
{
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;

    public EfUserStore(IDbContextFactory<ChangeFlowDbContext> factory)
    {
        _factory = factory;
    }

    public async Task<bool> AddAsync(UserRecord user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        db.Set<UserEntity>().Add(ToEntity(user));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (!StorageFailure.IsUnavailable(ex))
        {
            // The unique index on the normalized e-mail refused it when someone added the same e-mail first.
            if (await FindByEmailAsync(user.NormalizedEmail, cancellationToken) is not null)
            {
                return false;
            }

            throw;
        }
    }

    public async Task<UserRecord?> FindByIdAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<UserEntity>().AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<UserEntity>().AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalizedEmail, cancellationToken);
        return entity is null ? null : ToModel(entity);
    }

    public async Task<IReadOnlyList<UserRecord>> ListAsync(UserQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var users = db.Set<UserEntity>().AsNoTracking();
        if (query.Role is not null)
        {
            var token = Delimit(query.Role);
            users = users.Where(u => u.Roles.Contains(token));
        }

        if (query.Group is not null)
        {
            var token = Delimit(query.Group);
            users = users.Where(u => u.Groups.Contains(token));
        }

        if (query.IsActive is { } active)
        {
            users = users.Where(u => u.IsActive == active);
        }

        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = query.Search.Trim().ToLowerInvariant();
            // Translated to SQL (lower(...) and a substring test); StringComparison overloads are not translatable.
#pragma warning disable CA1862
            users = users.Where(u => u.NormalizedEmail.Contains(search) || u.DisplayName.ToLower().Contains(search));
#pragma warning restore CA1862
        }

        var entities = await users.OrderBy(u => u.NormalizedEmail).Skip(query.Skip).Take(query.Take).ToListAsync(cancellationToken);
        return [.. entities.Select(ToModel)];
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        return await db.Set<UserEntity>().AnyAsync(cancellationToken);
    }

    public async Task<int> CountActiveInRoleAsync(string role, CancellationToken cancellationToken)
    {
        var token = Delimit(role);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        return await db.Set<UserEntity>().CountAsync(u => u.IsActive && u.Roles.Contains(token), cancellationToken);
    }

    public async Task<bool> UpdateAsync(UserRecord user, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var e = ToEntity(user);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var updated = await db.Set<UserEntity>()
            .Where(u => u.Id == e.Id && u.Version == expectedVersion)
            .ExecuteUpdateAsync(
                s => s.SetProperty(u => u.DisplayName, e.DisplayName)
                    .SetProperty(u => u.PasswordHash, e.PasswordHash)
                    .SetProperty(u => u.Roles, e.Roles)
                    .SetProperty(u => u.Groups, e.Groups)
                    .SetProperty(u => u.IsActive, e.IsActive)
                    .SetProperty(u => u.TimeZoneId, e.TimeZoneId)
                    .SetProperty(u => u.Culture, e.Culture)
                    .SetProperty(u => u.SecurityStamp, e.SecurityStamp)
                    .SetProperty(u => u.UpdatedAt, e.UpdatedAt)
                    .SetProperty(u => u.Version, expectedVersion + 1),
                cancellationToken);
        return updated == 1;
    }

    public async Task RotateSecurityStampAsync(string id, string stamp, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        await db.Set<UserEntity>()
            .Where(u => u.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.SecurityStamp, stamp).SetProperty(u => u.Version, u => u.Version + 1), cancellationToken);
    }

    async Task<UserInfo?> IUserDirectory.FindAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrEmail);
        var normalized = UserService.Normalize(idOrEmail);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var entity = await db.Set<UserEntity>().AsNoTracking()
            .FirstOrDefaultAsync(u => u.Id == idOrEmail || u.NormalizedEmail == normalized, cancellationToken);
        return entity is null ? null : ToModel(entity).ToInfo();
    }

    async Task<IReadOnlyList<UserInfo>> IUserDirectory.ListByRoleAsync(string role, CancellationToken cancellationToken) =>
        [.. (await ListAsync(new UserQuery(Role: role, IsActive: true, Take: int.MaxValue), cancellationToken)).Select(u => u.ToInfo())];

    async Task<IReadOnlyList<UserInfo>> IUserDirectory.ListByGroupAsync(string group, CancellationToken cancellationToken) =>
        [.. (await ListAsync(new UserQuery(Group: group, IsActive: true, Take: int.MaxValue), cancellationToken)).Select(u => u.ToInfo())];

    private static string Delimit(string value) => $"|{value}|";

    private static string Join(IReadOnlyList<string> values) => values.Count == 0 ? "|" : $"|{string.Join('|', values)}|";

    private static string[] Split(string value) => value.Split('|', StringSplitOptions.RemoveEmptyEntries);

    private static UserEntity ToEntity(UserRecord u) => new()
    {
        Id = u.Id,
        Email = u.Email,
        NormalizedEmail = u.NormalizedEmail,
        DisplayName = u.DisplayName,
        PasswordHash = u.PasswordHash,
        Roles = Join(u.Roles),
        Groups = Join(u.Groups),
        IsActive = u.IsActive,
        TimeZoneId = u.TimeZoneId,
        Culture = u.Culture,
        SecurityStamp = u.SecurityStamp,
        CreatedAt = Instants.ToUtc(u.CreatedAt),
        UpdatedAt = Instants.ToUtc(u.UpdatedAt),
        Version = u.Version,
    };

    private static UserRecord ToModel(UserEntity e) => new()
    {
        Id = e.Id,
        Email = e.Email,
        NormalizedEmail = e.NormalizedEmail,
        DisplayName = e.DisplayName,
        PasswordHash = e.PasswordHash,
        Roles = Split(e.Roles),
        Groups = Split(e.Groups),
        IsActive = e.IsActive,
        TimeZoneId = e.TimeZoneId,
        Culture = e.Culture,
        SecurityStamp = e.SecurityStamp,
        CreatedAt = Instants.FromUtc(e.CreatedAt),
        UpdatedAt = Instants.FromUtc(e.UpdatedAt),
        Version = e.Version,
    };
}
