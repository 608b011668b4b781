using ChangeFlow.Application.Security;
using ChangeFlow.Persistence.Security;
using ChangeFlow.Testing;

namespace ChangeFlow.Persistence.Tests.Security;

/// <summary>
/// What every provider must do for users, API tokens and idempotency records. The tests of a class share one
/// database, so each uses e-mails, ids and keys of its own.
/// </summary>
public abstract class SecurityStoreContractTests
{
    private static readonly DateTimeOffset T0 = EngineFixture.StartInstant;

    protected SecurityStoreContractTests(TestDatabase database)
    {
        var factory = database.CreateFactory();
        var users = new EfUserStore(factory);
        Users = users;
        Directory = users;
        Tokens = new EfApiTokenStore(factory);
        Idempotency = new EfIdempotencyStore(factory);
    }

    protected IUserStore Users { get; }

    protected IUserDirectory Directory { get; }

    protected IApiTokenStore Tokens { get; }

    protected IIdempotencyStore Idempotency { get; }

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task AddAsync_RefusesASecondUserWithTheSameNormalizedEmail()
    {
        var email = $"{Guid.NewGuid():N}@Example.org";

        Assert.True(await Users.AddAsync(User(email), Ct));
        Assert.False(await Users.AddAsync(User(email.ToUpperInvariant()), Ct));

        var found = await Users.FindByEmailAsync(email.ToLowerInvariant(), Ct);
        Assert.Equal(email, found?.Email);
    }

    [Fact]
    public async Task User_RoundTripsEveryField()
    {
        var user = User($"{Guid.NewGuid():N}@example.org", [Roles.CabMember, Roles.Implementer], ["cab-lims", "lims-team"]) with
        {
            PasswordHash = "pbkdf2-sha256$1000$c2FsdA==$aGFzaA==",
            SecurityStamp = Secrets.NewStamp(),
            IsActive = false,
        };
        await Users.AddAsync(user, Ct);

        var found = await Users.FindByIdAsync(user.Id, Ct);

        Assert.NotNull(found);
        Assert.Equal(user.Roles, found.Roles);
        Assert.Equal(user.Groups, found.Groups);
        Assert.Equal(user with { Roles = found.Roles, Groups = found.Groups }, found);
    }

    [Fact]
    public async Task UpdateAsync_AppliesOnlyOnTheExpectedVersion()
    {
        var user = User($"{Guid.NewGuid():N}@example.org", [Roles.Requestor]);
        await Users.AddAsync(user, Ct);

        Assert.True(await Users.UpdateAsync(user with { Roles = [Roles.ChangeManager], Version = 2 }, 1, Ct));
        Assert.False(await Users.UpdateAsync(user with { DisplayName = "stale" }, 1, Ct));

        var found = await Users.FindByIdAsync(user.Id, Ct);
        Assert.Equal([Roles.ChangeManager], found!.Roles);
        Assert.Equal(2, found.Version);
        Assert.Equal(user.DisplayName, found.DisplayName);
    }

    [Fact]
    public async Task Directory_FindsByIdOrEmail_AndListsActiveMembersByRoleAndGroup()
    {
        var group = "g-" + Guid.NewGuid().ToString("N")[..12];
        var active = User($"a-{Guid.NewGuid():N}@example.org", [Roles.Implementer], [group]);
        var inactive = User($"b-{Guid.NewGuid():N}@example.org", [Roles.Implementer], [group]) with { IsActive = false };
        var other = User($"c-{Guid.NewGuid():N}@example.org", [Roles.Requestor], [group + "-x"]);
        foreach (var u in new[] { active, inactive, other })
        {
            await Users.AddAsync(u, Ct);
        }

        Assert.Equal(active.Id, (await Directory.FindAsync(active.Email.ToUpperInvariant(), Ct))?.Id);
        Assert.Equal(inactive.Id, (await Directory.FindAsync(inactive.Id, Ct))?.Id);
        Assert.Equal([active.Id], (await Directory.ListByGroupAsync(group, Ct)).Select(u => u.Id));
        Assert.Contains(active.Id, (await Directory.ListByRoleAsync(Roles.Implementer, Ct)).Select(u => u.Id));
        Assert.DoesNotContain(inactive.Id, (await Directory.ListByRoleAsync(Roles.Implementer, Ct)).Select(u => u.Id));
        Assert.DoesNotContain(other.Id, (await Directory.ListByRoleAsync(Roles.Implementer, Ct)).Select(u => u.Id));
        Assert.Equal([active.Id], (await Users.ListAsync(new UserQuery(Search: active.Email[..10].ToUpperInvariant()), Ct)).Select(u => u.Id));
    }

    [Fact]
    public async Task RotateSecurityStampAsync_ReplacesTheStamp_AndMakesAnEditFromAnOlderReadFail()
    {
        var user = User($"{Guid.NewGuid():N}@example.org") with { SecurityStamp = Secrets.NewStamp() };
        await Users.AddAsync(user, Ct);
        var stamp = Secrets.NewStamp();

        await Users.RotateSecurityStampAsync(user.Id, stamp, Ct);

        var found = await Users.FindByIdAsync(user.Id, Ct);
        Assert.Equal(stamp, found!.SecurityStamp);
        Assert.Equal(2, found.Version);
        Assert.False(await Users.UpdateAsync(user with { DisplayName = "stale", Version = 2 }, 1, Ct));
        Assert.Equal(stamp, (await Users.FindByIdAsync(user.Id, Ct))!.SecurityStamp);
    }

    [Fact]
    public async Task Tokens_AreFoundByHash_RevokedOnce_AndTouchedAtMostOncePerWindow()
    {
        var user = User($"{Guid.NewGuid():N}@example.org");
        await Users.AddAsync(user, Ct);
        var secret = Secrets.NewToken();
        var token = new ApiTokenRecord
        {
            Id = Secrets.NewId("tok"),
            UserId = user.Id,
            Name = "ci",
            SecretHash = Secrets.HashToken(secret),
            Prefix = Secrets.DisplayPrefix(secret),
            CreatedAt = T0,
            ExpiresAt = T0.AddDays(30),
        };

        Assert.True(await Tokens.AddAsync(token, Ct));
        Assert.False(await Tokens.AddAsync(token with { Id = Secrets.NewId("tok") }, Ct));
        Assert.Equal(token, await Tokens.FindBySecretHashAsync(token.SecretHash, Ct));

        await Tokens.TouchAsync(token.Id, T0.AddSeconds(10), T0.AddSeconds(10).AddMinutes(-1), Ct);
        await Tokens.TouchAsync(token.Id, T0.AddSeconds(40), T0.AddSeconds(40).AddMinutes(-1), Ct);
        Assert.Equal(T0.AddSeconds(10), (await Tokens.FindBySecretHashAsync(token.SecretHash, Ct))!.LastUsedAt);
        await Tokens.TouchAsync(token.Id, T0.AddSeconds(71), T0.AddSeconds(71).AddMinutes(-1), Ct);
        Assert.Equal(T0.AddSeconds(71), (await Tokens.FindBySecretHashAsync(token.SecretHash, Ct))!.LastUsedAt);

        Assert.True(await Tokens.RevokeAsync(user.Id, token.Id, T0.AddHours(1), Ct));
        Assert.True(await Tokens.RevokeAsync(user.Id, token.Id, T0.AddHours(2), Ct));
        Assert.False(await Tokens.RevokeAsync("usr_someone-else", token.Id, T0.AddHours(2), Ct));
        Assert.Equal(T0.AddHours(1), Assert.Single(await Tokens.ListByUserAsync(user.Id, Ct)).RevokedAt);
    }

    [Fact]
    public async Task Idempotency_FirstBeginWins_CompleteStoresTheAnswer_AndPurgeDeletesExpired()
    {
        var user = User($"{Guid.NewGuid():N}@example.org");
        await Users.AddAsync(user, Ct);
        var record = new IdempotencyRecord
        {
            UserId = user.Id,
            Key = Guid.NewGuid().ToString(),
            Method = "POST",
            Path = "/api/users",
            BodyHash = new string('a', 64),
            CreatedAt = T0,
            ExpiresAt = T0.AddHours(24),
        };

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Idempotency.TryBeginAsync(record, Ct)));
        Assert.Equal(1, results.Count(r => r is null));

        await Idempotency.CompleteAsync(user.Id, record.Key, 201, [1, 2, 3], "application/json", "/api/users/x", T0.AddSeconds(1), Ct);
        var stored = await Idempotency.TryBeginAsync(record, Ct);
        Assert.Equal(201, stored!.StatusCode);
        Assert.Equal([1, 2, 3], stored.ResponseBody);
        Assert.Equal("/api/users/x", stored.Location);
        Assert.Equal(T0.AddSeconds(1), stored.CompletedAt);

        // Other tests of the class share the database but not this record; before its expiry it survives a purge.
        await Idempotency.PurgeExpiredAsync(T0.AddHours(23), Ct);
        Assert.NotNull(await Idempotency.TryBeginAsync(record, Ct));
        Assert.True(await Idempotency.PurgeExpiredAsync(T0.AddHours(24), Ct) >= 1);
        Assert.Null(await Idempotency.TryBeginAsync(record, Ct));
        await Idempotency.DeleteAsync(user.Id, record.Key, Ct);
        Assert.Null(await Idempotency.TryBeginAsync(record, Ct));
    }

    private static UserRecord User(string email, IReadOnlyList<string>? roles = null, IReadOnlyList<string>? groups = null) => new()
    {
        Id = Secrets.NewId("usr"),
        Email = email,
        NormalizedEmail = UserService.Normalize(email),
        DisplayName = email[..email.IndexOf('@', StringComparison.Ordinal)],
        Roles = roles ?? [],
        Groups = groups ?? [],
        CreatedAt = T0,
        UpdatedAt = T0,
        Version = 1,
    };
}

/// <summary>The security store contract on a real SQLite file.</summary>
public sealed class SqliteSecurityStoreTests(Stores.SqliteDatabaseFixture fixture)
    : SecurityStoreContractTests(fixture.Database), IClassFixture<Stores.SqliteDatabaseFixture>;

/// <summary>The security store contract on a real PostgreSQL database.</summary>
public sealed class PostgreSqlSecurityStoreTests(Stores.PostgreSqlDatabaseFixture fixture)
    : SecurityStoreContractTests(fixture.Database), IClassFixture<Stores.PostgreSqlDatabaseFixture>;
