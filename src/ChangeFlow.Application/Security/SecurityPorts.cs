namespace ChangeFlow.Application.Security;

/// <summary>A user as stored, with the password hash and security stamp that never leave the service.</summary>
public sealed record UserRecord
{
    /// <summary>The user id (<c>usr_</c> and 24 hexadecimal digits).</summary>
    public required string Id { get; init; }

    /// <summary>The sign-in e-mail as entered.</summary>
    public required string Email { get; init; }

    /// <summary>The e-mail in lower case: the unique key e-mails are compared by.</summary>
    public required string NormalizedEmail { get; init; }

    /// <summary>The name shown to people.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The password hash (see <see cref="PasswordHasher"/>), or null for a user who signs in with tokens only.</summary>
    public string? PasswordHash { get; init; }

    /// <summary>The roles held, in <see cref="Security.Roles.All"/> order.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>Assignment groups (slugs), in ordinal order.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary>False once deactivated: no sign-in, tokens refused, no new tasks.</summary>
    public bool IsActive { get; init; } = true;

    /// <summary>The IANA zone the user reads times in, or null (notices then use the change window's zone).</summary>
    public string? TimeZoneId { get; init; }

    /// <summary>The culture tag of the user's notices, or null (the notices' default culture).</summary>
    public string? Culture { get; init; }

    /// <summary>
    /// A random value that changes whenever the user's browser sessions must end: sign-out, a password set or reset,
    /// a change of roles, deactivation. Sign-in cookies carry the value they were issued with and stop working once it
    /// changed. Empty for a user stored before it existed (a stamp is made at their next sign-in).
    /// </summary>
    public string SecurityStamp { get; init; } = string.Empty;

    /// <summary>When the user was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When roles, groups, state or password last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Optimistic concurrency: 1 when created, +1 on every update. Sign-in cookies carry it to notice changes.</summary>
    public long Version { get; init; }

    /// <summary>The view other features get.</summary>
    public UserInfo ToInfo() => new(Id, Email, DisplayName, Roles, Groups, IsActive) { TimeZoneId = TimeZoneId, Culture = Culture };
}

/// <summary>What a list of users is filtered by.</summary>
/// <param name="Role">Only holders of this role.</param>
/// <param name="Group">Only members of this group.</param>
/// <param name="IsActive">Only active (true) or deactivated (false) users.</param>
/// <param name="Search">A case-insensitive part of the e-mail or display name.</param>
/// <param name="Skip">How many to skip, in e-mail order.</param>
/// <param name="Take">How many to return at most.</param>
public sealed record UserQuery(string? Role = null, string? Group = null, bool? IsActive = null, string? Search = null, int Skip = 0, int Take = 100);

/// <summary>Users as stored.</summary>
public interface IUserStore
{
    /// <summary>Adds a user; false when its normalized e-mail is taken (the unique index decides, so concurrent adds are safe).</summary>
    Task<bool> AddAsync(UserRecord user, CancellationToken cancellationToken);

    /// <summary>A user by id.</summary>
    Task<UserRecord?> FindByIdAsync(string id, CancellationToken cancellationToken);

    /// <summary>A user by normalized (lower-case) e-mail.</summary>
    Task<UserRecord?> FindByEmailAsync(string normalizedEmail, CancellationToken cancellationToken);

    /// <summary>Users matching <paramref name="query"/>, in e-mail order.</summary>
    Task<IReadOnlyList<UserRecord>> ListAsync(UserQuery query, CancellationToken cancellationToken);

    /// <summary>Whether any user exists (first start creates the administrator when none does).</summary>
    Task<bool> AnyAsync(CancellationToken cancellationToken);

    /// <summary>How many active users hold <paramref name="role"/>.</summary>
    Task<int> CountActiveInRoleAsync(string role, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a user's mutable fields with those of <paramref name="user"/> if the stored version is still
    /// <paramref name="expectedVersion"/>; the stored version becomes <c>expectedVersion + 1</c>. False when it was not.
    /// </summary>
    Task<bool> UpdateAsync(UserRecord user, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the user's <see cref="UserRecord.SecurityStamp"/> and adds 1 to the version, so an edit made from a
    /// record read before cannot write the old stamp back (it fails on the version instead).
    /// </summary>
    Task RotateSecurityStampAsync(string id, string stamp, CancellationToken cancellationToken);

}

/// <summary>A personal API token as stored: the SHA-256 of its secret, never the secret.</summary>
public sealed record ApiTokenRecord
{
    /// <summary>The token id (<c>tok_</c> and 24 hexadecimal digits).</summary>
    public required string Id { get; init; }

    /// <summary>The owner.</summary>
    public required string UserId { get; init; }

    /// <summary>What the owner called it (e.g. <c>gitlab-ci</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Lower-case hexadecimal SHA-256 of the whole secret.</summary>
    public required string SecretHash { get; init; }

    /// <summary>The secret's first characters, to recognise it in a list.</summary>
    public required string Prefix { get; init; }

    /// <summary>When it was issued.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it stops working, or null for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When it last authenticated a request (recorded at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>When it was revoked, or null.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}

/// <summary>API tokens as stored.</summary>
public interface IApiTokenStore
{
    /// <summary>Adds a token; false when a token with the same secret hash exists (revoked or not).</summary>
    Task<bool> AddAsync(ApiTokenRecord token, CancellationToken cancellationToken);

    /// <summary>A token by the hash of its secret, revoked or not.</summary>
    Task<ApiTokenRecord?> FindBySecretHashAsync(string secretHash, CancellationToken cancellationToken);

    /// <summary>A user's tokens, newest first.</summary>
    Task<IReadOnlyList<ApiTokenRecord>> ListByUserAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Revokes a token of a user; false when the user has no such token. Revoking twice keeps the first instant.</summary>
    Task<bool> RevokeAsync(string userId, string tokenId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Sets the last-used instant to <paramref name="at"/> unless it is already at or after <paramref name="notBefore"/>.</summary>
    Task TouchAsync(string tokenId, DateTimeOffset at, DateTimeOffset notBefore, CancellationToken cancellationToken);
}

/// <summary>What a request under an <c>Idempotency-Key</c> was and, once done, what it answered.</summary>
public sealed record IdempotencyRecord
{
    /// <summary>The caller (keys are scoped per user).</summary>
    public required string UserId { get; init; }

    /// <summary>The client's key.</summary>
    public required string Key { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The request path.</summary>
    public required string Path { get; init; }

    /// <summary>Lower-case hexadecimal SHA-256 of the request body.</summary>
    public required string BodyHash { get; init; }

    /// <summary>When the first request arrived.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the record may be purged; after it the key is free again.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When the response was stored, or null while the first request is in flight.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The stored status code.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The stored body.</summary>
    public byte[]? ResponseBody { get; init; }

    /// <summary>The stored <c>Content-Type</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// The stored <c>Location</c> header; while the request is in flight, the id of the resource its effect created
    /// once that effect is committed (<see cref="IdempotencySealWrite"/>).
    /// </summary>
    public string? Location { get; init; }

    /// <summary>
    /// The resource a request's committed effect created while its answer is not kept yet (the process died between the
    /// two): a retry answers for it instead of running again.
    /// </summary>
    public string? CommittedResourceId => CompletedAt is null ? Location : null;
}

/// <summary>
/// The hold a running request has on its <c>Idempotency-Key</c>: the key's record as this request created it, told
/// apart from a later claim of the same key (after this one was given up for lost) by <see cref="ClaimedAt"/>.
/// </summary>
/// <param name="UserId">The caller.</param>
/// <param name="Key">The key.</param>
/// <param name="ClaimedAt">The record's creation instant, whole microseconds (what every database stores exactly).</param>
public sealed record IdempotencyClaim(string UserId, string Key, DateTimeOffset ClaimedAt);

/// <summary>
/// Seals a claim in the transaction that commits the request's effect: the key's record then names the created
/// resource (<paramref name="ResourceId"/>, e.g. the change number), so the key and its effect are committed together
/// or not at all. A claim that is no longer held (given up for lost, the key claimed afresh) fails that commit with
/// <see cref="Workflows.ConcurrencyConflictException"/>: the effect is never committed twice.
/// </summary>
public sealed record IdempotencySealWrite(IdempotencyClaim Claim, string ResourceId) : Workflows.IRunWrite;

/// <summary>Idempotency records as stored.</summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// Inserts <paramref name="record"/> (in flight) unless the user already has a record with that key; returns null
    /// when inserted, otherwise the existing record. The unique key (user, key) decides between concurrent requests.
    /// </summary>
    Task<IdempotencyRecord?> TryBeginAsync(IdempotencyRecord record, CancellationToken cancellationToken);

    /// <summary>Stores the response of an in-flight record.</summary>
    Task CompleteAsync(string userId, string key, int statusCode, byte[] body, string? contentType, string? location, DateTimeOffset completedAt, CancellationToken cancellationToken);

    /// <summary>Deletes a record (its request failed, so a retry may run again).</summary>
    Task DeleteAsync(string userId, string key, CancellationToken cancellationToken);

    /// <summary>Deletes the record of <paramref name="claim"/> unless its effect was committed (sealed) or it is another claim's.</summary>
    Task AbandonAsync(IdempotencyClaim claim, CancellationToken cancellationToken);

    /// <summary>Deletes the records that expired before <paramref name="now"/>; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
