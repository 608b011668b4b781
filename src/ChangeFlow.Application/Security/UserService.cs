using System.Collections.Concurrent;
using System.Net.Mail;
using System.Text.RegularExpressions;
using ChangeFlow.Domain.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Security;

/// <summary>The fields of a new user; everything but the e-mail is optional.</summary>
/// <param name="Email">The sign-in e-mail, unique ignoring case.</param>
/// <param name="DisplayName">The name shown to people; defaults to the e-mail's local part.</param>
/// <param name="Roles">Roles from <see cref="Security.Roles.All"/> (case-insensitive on input).</param>
/// <param name="Groups">Assignment group slugs such as <c>lims-team</c>.</param>
/// <param name="Password">A password, or null for a user who uses API tokens only (or gets one set later).</param>
/// <param name="IsActive">Whether the user may sign in; defaults to true.</param>
/// <param name="TimeZoneId">The IANA zone the user reads times in (e.g. <c>Africa/Dakar</c>); notices show windows in it.</param>
/// <param name="Culture">The culture tag of the user's notices (<c>en-GB</c>, <c>fr-SN</c>).</param>
public sealed record NewUser(string? Email, string? DisplayName = null, IReadOnlyList<string>? Roles = null, IReadOnlyList<string>? Groups = null, string? Password = null, bool? IsActive = null, string? TimeZoneId = null, string? Culture = null);

/// <summary>Changes to a user; null fields stay as they are.</summary>
/// <param name="DisplayName">A new display name.</param>
/// <param name="Roles">The complete new set of roles.</param>
/// <param name="Groups">The complete new set of groups.</param>
/// <param name="IsActive">Activate or deactivate.</param>
/// <param name="Password">A new password (an administrator's reset).</param>
/// <param name="ExpectedVersion">The version the caller last saw; a different stored version is a conflict.</param>
/// <param name="TimeZoneId">A new IANA zone; an empty text clears it.</param>
/// <param name="Culture">A new culture tag; an empty text clears it.</param>
public sealed record UserChanges(string? DisplayName = null, IReadOnlyList<string>? Roles = null, IReadOnlyList<string>? Groups = null, bool? IsActive = null, string? Password = null, long? ExpectedVersion = null, string? TimeZoneId = null, string? Culture = null);

/// <summary>A token just issued: the only moment its secret is known.</summary>
/// <param name="Token">The stored token.</param>
/// <param name="Secret">The secret to hand to the caller once.</param>
public sealed record IssuedToken(ApiTokenRecord Token, string Secret);

/// <summary>A request authenticated by an API token.</summary>
/// <param name="User">The token's owner (active).</param>
/// <param name="Token">The token.</param>
public sealed record TokenAuthentication(UserRecord User, ApiTokenRecord Token);

/// <summary>How a password sign-in ended.</summary>
public enum SignInStatus
{
    /// <summary>The e-mail and password match an active user.</summary>
    Succeeded,
    /// <summary>Unknown e-mail, wrong password, no password set or a deactivated user (not told apart, so nothing leaks).</summary>
    Failed,
    /// <summary>
    /// Too many failures from the client's address, for this e-mail or overall: password sign-in from there is refused
    /// for a while, whether the e-mail belongs to a user or not. Other addresses are not affected.
    /// </summary>
    Throttled,
}

/// <summary>The result of a password sign-in.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="User">The user on success.</param>
public sealed record SignInResult(SignInStatus Status, UserRecord? User);

/// <summary>What first start did.</summary>
/// <param name="Created">Whether an administrator was created (false when users already existed).</param>
/// <param name="AdminEmail">The administrator's e-mail when created.</param>
/// <param name="GeneratedPassword">The generated password, when none was configured; to be shown once.</param>
/// <param name="TokenRegistered">Whether the configured API token was registered.</param>
public sealed record BootstrapResult(bool Created, string? AdminEmail, string? GeneratedPassword, bool TokenRegistered);

/// <summary>
/// Users, passwords and personal API tokens: every rule about them lives here, the stores only keep rows.
/// Bad input comes back as <see cref="DomainError"/>s with camelCase field paths (<c>email</c>, <c>roles[1]</c>);
/// an unknown user is <see cref="ErrorCodes.Unknown"/> at the empty path, a stale version <see cref="ErrorCodes.Conflict"/>.
/// </summary>
public sealed partial class UserService
{
    /// <summary>The e-mail of the administrator created on first start when none is configured.</summary>
    public const string DefaultAdminEmail = "admin@localhost";

    private const int MaxEmailLength = 254;
    private const int MaxDisplayNameLength = 200;
    private const int MaxPasswordLength = 1024;
    private const int MaxGroupLength = 64;
    private const int MaxTokenNameLength = 100;
    private const int MaxSecretLength = 512;

    private readonly IUserStore _users;
    private readonly IApiTokenStore _tokens;
    private readonly TimeProvider _time;
    private readonly SecurityOptions _options;
    private readonly ILogger<UserService> _logger;
    private readonly Lazy<string> _dummyHash;
    private readonly SignInThrottle _throttle;

    // What this node last read of each signed-in user, for SecurityOptions.SessionCheckInterval; an entry is dropped
    // when this node changes the user, so its own changes apply at once. Keys come from authenticated (encrypted)
    // cookies only, so the map holds at most one entry per user.
    private readonly ConcurrentDictionary<string, (UserRecord? User, DateTimeOffset ReadAt)> _sessions = new(StringComparer.Ordinal);

    // Counts this node's changes to users, so a read that overlapped one is not kept (it may predate the change).
    private long _userChanges;

    /// <summary>Creates the service.</summary>
    public UserService(IUserStore users, IApiTokenStore tokens, TimeProvider time, IOptions<SecurityOptions> options, ILogger<UserService> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _users = users;
        _tokens = tokens;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _throttle = new SignInThrottle(time, _options);

        // Unknown e-mails are checked against this hash, so a failed sign-in takes as long whether the user exists or not.
        _dummyHash = new Lazy<string>(() => PasswordHasher.Hash(Secrets.NewPassword(), _options.PasswordIterations));
    }

    /// <summary>A user by id.</summary>
    public Task<UserRecord?> FindAsync(string id, CancellationToken cancellationToken) => _users.FindByIdAsync(id, cancellationToken);

    /// <summary>
    /// The id of the user <paramref name="idOrEmail"/> names: an e-mail (anything with an <c>@</c>; user ids have none)
    /// is looked up, in any case; an id is returned as it is, whether or not such a user exists, so callers answer
    /// an unknown one as they always have.
    /// </summary>
    public async Task<string> ResolveIdAsync(string idOrEmail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrEmail);
        return idOrEmail.Contains('@', StringComparison.Ordinal) && await _users.FindByEmailAsync(Normalize(idOrEmail), cancellationToken) is { } user
            ? user.Id
            : idOrEmail;
    }

    /// <summary>Users matching a query, in e-mail order.</summary>
    public Task<IReadOnlyList<UserRecord>> ListAsync(UserQuery query, CancellationToken cancellationToken) => _users.ListAsync(query, cancellationToken);

    /// <summary>Creates a user.</summary>
    public async Task<Result<UserRecord>> CreateAsync(NewUser request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<DomainError>();
        var email = ValidateEmail(request.Email, "email", errors);
        var displayName = ValidateDisplayName(request.DisplayName, "displayName", errors);
        var roles = ValidateRoles(request.Roles, "roles", errors);
        var groups = ValidateGroups(request.Groups, "groups", errors);
        var zone = ValidateZone(request.TimeZoneId, "timeZoneId", errors);
        var culture = ValidateCulture(request.Culture, "culture", errors);
        if (request.Password is not null)
        {
            ValidatePassword(request.Password, "password", errors);
        }

        if (errors.Count > 0)
        {
            return Result.Failure<UserRecord>(errors);
        }

        var normalized = Normalize(email!);
        if (await _users.FindByEmailAsync(normalized, cancellationToken) is not null)
        {
            return Result.Failure<UserRecord>("email", ErrorCodes.Duplicate, $"A user with the e-mail '{email}' exists already.");
        }

        var now = _time.GetUtcNow();
        var user = new UserRecord
        {
            Id = Secrets.NewId("usr"),
            Email = email!,
            NormalizedEmail = normalized,
            DisplayName = displayName ?? email![..email!.IndexOf('@', StringComparison.Ordinal)],
            PasswordHash = request.Password is null ? null : PasswordHasher.Hash(request.Password, _options.PasswordIterations),
            Roles = roles,
            Groups = groups,
            TimeZoneId = zone,
            Culture = culture,
            IsActive = request.IsActive ?? true,
            SecurityStamp = Secrets.NewStamp(),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        if (!await _users.AddAsync(user, cancellationToken))
        {
            return Result.Failure<UserRecord>("email", ErrorCodes.Duplicate, $"A user with the e-mail '{email}' exists already.");
        }

        LogUserCreated(_logger, user.Id, user.Email, string.Join(",", user.Roles));
        return Result.Success(user);
    }

    /// <summary>
    /// Changes display name, roles, groups, active flag or password. The last active administrator stays one. A new
    /// password, other roles or deactivation end the user's browser sessions (a new security stamp); a new display
    /// name, groups, zone or culture are picked up by their sessions.
    /// </summary>
    public async Task<Result<UserRecord>> UpdateAsync(string id, UserChanges changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var user = await _users.FindByIdAsync(id, cancellationToken);
        if (user is null)
        {
            return Result.Failure<UserRecord>(string.Empty, ErrorCodes.Unknown, $"No user '{id}'.");
        }

        if (changes.ExpectedVersion is { } expected && expected != user.Version)
        {
            return Result.Failure<UserRecord>("version", ErrorCodes.Conflict, $"The user is at version {user.Version}, not {expected}; reload it and try again.");
        }

        var errors = new List<DomainError>();
        var displayName = changes.DisplayName is null ? user.DisplayName : ValidateDisplayName(changes.DisplayName, "displayName", errors);
        var roles = changes.Roles is null ? user.Roles : ValidateRoles(changes.Roles, "roles", errors);
        var groups = changes.Groups is null ? user.Groups : ValidateGroups(changes.Groups, "groups", errors);
        var zone = changes.TimeZoneId is null ? user.TimeZoneId : ValidateZone(changes.TimeZoneId, "timeZoneId", errors);
        var culture = changes.Culture is null ? user.Culture : ValidateCulture(changes.Culture, "culture", errors);
        if (changes.Password is not null)
        {
            ValidatePassword(changes.Password, "password", errors);
        }

        if (errors.Count > 0)
        {
            return Result.Failure<UserRecord>(errors);
        }

        var isActive = changes.IsActive ?? user.IsActive;
        var wasAdmin = user.IsActive && user.Roles.Contains(Roles.Admin);
        var staysAdmin = isActive && roles.Contains(Roles.Admin);
        if (wasAdmin && !staysAdmin && await _users.CountActiveInRoleAsync(Roles.Admin, cancellationToken) <= 1)
        {
            return Result.Failure<UserRecord>(
                changes.IsActive == false ? "isActive" : "roles",
                ErrorCodes.NotAllowed,
                "This is the last active administrator; make someone else an administrator first.");
        }

        var endsSessions = changes.Password is not null || !roles.SequenceEqual(user.Roles, StringComparer.Ordinal) || (user.IsActive && !isActive);
        var updated = user with
        {
            DisplayName = displayName ?? user.DisplayName,
            Roles = roles,
            Groups = groups,
            TimeZoneId = zone,
            Culture = culture,
            IsActive = isActive,
            PasswordHash = changes.Password is null ? user.PasswordHash : PasswordHasher.Hash(changes.Password, _options.PasswordIterations),
            SecurityStamp = endsSessions ? Secrets.NewStamp() : user.SecurityStamp,
            UpdatedAt = _time.GetUtcNow(),
            Version = user.Version + 1,
        };
        if (!await _users.UpdateAsync(updated, user.Version, cancellationToken))
        {
            return Result.Failure<UserRecord>("version", ErrorCodes.Conflict, "The user was changed by someone else meanwhile; reload it and try again.");
        }

        ForgetSession(user.Id);

        LogUserUpdated(_logger, user.Id, string.Join(",", updated.Roles), updated.IsActive, changes.Password is not null);
        return Result.Success(updated);
    }

    /// <summary>A user changes their own password, proving they know the current one.</summary>
    public async Task<Result<UserRecord>> ChangeOwnPasswordAsync(string id, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        var user = await _users.FindByIdAsync(id, cancellationToken);
        if (user is null)
        {
            return Result.Failure<UserRecord>(string.Empty, ErrorCodes.Unknown, $"No user '{id}'.");
        }

        var errors = new List<DomainError>();
        if (user.PasswordHash is not null
            && (string.IsNullOrEmpty(currentPassword) || currentPassword.Length > MaxPasswordLength
                || !PasswordHasher.Verify(currentPassword, user.PasswordHash, _options.PasswordIterations, out _)))
        {
            errors.Add(new DomainError("currentPassword", ErrorCodes.Invalid, "The current password is not correct."));
        }

        ValidatePassword(newPassword, "newPassword", errors);
        if (errors.Count > 0)
        {
            return Result.Failure<UserRecord>(errors);
        }

        return await UpdateAsync(id, new UserChanges(Password: newPassword, ExpectedVersion: user.Version), cancellationToken);
    }

    /// <summary>
    /// Checks an e-mail and password sent from <paramref name="clientAddress"/>. Failures are counted per address and
    /// per e-mail from that address, never on the account (<see cref="SignInThrottle"/>), so nobody can lock a user
    /// out from elsewhere; unknown e-mails are counted and hashed like known ones, so neither the answer nor its time
    /// tells them apart. A hash made with fewer iterations than configured is replaced on success.
    /// </summary>
    /// <param name="email">The e-mail, in any case.</param>
    /// <param name="password">The password.</param>
    /// <param name="clientAddress">The client's address as the web layer sees it (after trusted proxies), e.g. <c>203.0.113.7</c>.</param>
    /// <param name="cancellationToken">Cancels the look-up.</param>
    public async Task<SignInResult> VerifyPasswordAsync(string? email, string? password, string clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || email.Length > MaxEmailLength || password.Length > MaxPasswordLength)
        {
            return new SignInResult(SignInStatus.Failed, null);
        }

        var normalized = Normalize(email);
        if (!_throttle.TryBegin(normalized, clientAddress))
        {
            return new SignInResult(SignInStatus.Throttled, null);
        }

        var user = await _users.FindByEmailAsync(normalized, cancellationToken);
        bool matches;
        var needsRehash = false;
        if (user?.PasswordHash is null || !user.IsActive)
        {
            // The same work as a real check, so the time taken does not tell unknown e-mails apart.
            PasswordHasher.Verify(password, _dummyHash.Value, _options.PasswordIterations, out _);
            matches = false;
        }
        else
        {
            matches = PasswordHasher.Verify(password, user.PasswordHash, _options.PasswordIterations, out needsRehash);
        }

        if (!matches || user is null)
        {
            if (_throttle.IsPaused(normalized, clientAddress))
            {
                LogThrottled(_logger, clientAddress);
                return new SignInResult(SignInStatus.Throttled, null);
            }

            return new SignInResult(SignInStatus.Failed, null);
        }

        _throttle.RecordSuccess(normalized, clientAddress);

        if (user.SecurityStamp.Length == 0)
        {
            // Stored before stamps existed: a cookie needs one to be revocable.
            var stamp = Secrets.NewStamp();
            await _users.RotateSecurityStampAsync(user.Id, stamp, cancellationToken);
            ForgetSession(user.Id);
            user = user with { SecurityStamp = stamp, Version = user.Version + 1 };
        }

        if (needsRehash)
        {
            var rehashed = user with { PasswordHash = PasswordHasher.Hash(password, _options.PasswordIterations), Version = user.Version + 1 };
            if (await _users.UpdateAsync(rehashed, user.Version, cancellationToken))
            {
                user = rehashed;
            }
        }

        return new SignInResult(SignInStatus.Succeeded, user);
    }

    /// <summary>
    /// Ends every browser session of the user (all their sign-in cookies, on every device) by giving them a new
    /// security stamp. API tokens are not affected. Unknown ids are ignored.
    /// </summary>
    public async Task EndSessionsAsync(string id, CancellationToken cancellationToken)
    {
        await _users.RotateSecurityStampAsync(id, Secrets.NewStamp(), cancellationToken);
        ForgetSession(id);
        LogSessionsEnded(_logger, id);
    }

    /// <summary>
    /// The user a sign-in cookie names, as this node last read them within <see cref="SecurityOptions.SessionCheckInterval"/>
    /// (or afresh); null for an unknown id. Callers compare the cookie's stamp with <see cref="UserRecord.SecurityStamp"/>.
    /// </summary>
    public async Task<UserRecord?> FindForSessionAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var now = _time.GetUtcNow();
        if (_sessions.TryGetValue(id, out var seen) && now - seen.ReadAt < _options.SessionCheckInterval && now >= seen.ReadAt)
        {
            return seen.User;
        }

        var changes = Interlocked.Read(ref _userChanges);
        var user = await _users.FindByIdAsync(id, cancellationToken);
        if (_options.SessionCheckInterval > TimeSpan.Zero && Interlocked.Read(ref _userChanges) == changes)
        {
            _sessions[id] = (user, now);
        }

        return user;
    }

    private void ForgetSession(string id)
    {
        Interlocked.Increment(ref _userChanges);
        _sessions.TryRemove(id, out _);
    }

    /// <summary>Issues a personal API token; its secret is in the result and nowhere else.</summary>
    public async Task<Result<IssuedToken>> IssueTokenAsync(string userId, string? name, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var user = await _users.FindByIdAsync(userId, cancellationToken);
        if (user is null)
        {
            return Result.Failure<IssuedToken>(string.Empty, ErrorCodes.Unknown, $"No user '{userId}'.");
        }

        var errors = new List<DomainError>();
        var now = _time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new DomainError("name", ErrorCodes.Required, "A token needs a name that says where it is used."));
        }
        else if (name.Trim().Length > MaxTokenNameLength)
        {
            errors.Add(new DomainError("name", ErrorCodes.OutOfRange, $"A token name has at most {MaxTokenNameLength} characters."));
        }

        if (expiresAt is { } expiry && expiry <= now)
        {
            errors.Add(new DomainError("expiresAt", ErrorCodes.OutOfRange, "The expiry must lie in the future."));
        }
        else if (_options.MaxTokenLifetime is { } max && (expiresAt is null || expiresAt > now + max))
        {
            errors.Add(new DomainError("expiresAt", expiresAt is null ? ErrorCodes.Required : ErrorCodes.OutOfRange, $"Tokens expire within {max} at most here."));
        }

        if (errors.Count > 0)
        {
            return Result.Failure<IssuedToken>(errors);
        }

        if (!user.IsActive)
        {
            return Result.Failure<IssuedToken>(string.Empty, ErrorCodes.NotAllowed, "The user is deactivated; activate them before issuing a token.");
        }

        var secret = Secrets.NewToken();
        var token = new ApiTokenRecord
        {
            Id = Secrets.NewId("tok"),
            UserId = user.Id,
            Name = name!.Trim(),
            SecretHash = Secrets.HashToken(secret),
            Prefix = Secrets.DisplayPrefix(secret),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        if (!await _tokens.AddAsync(token, cancellationToken))
        {
            // 256 random bits do not collide; a false here is a broken store, not bad input.
            throw new InvalidOperationException("A freshly generated token secret is already stored.");
        }

        LogTokenIssued(_logger, token.Id, user.Id, token.Name);
        return Result.Success(new IssuedToken(token, secret));
    }

    /// <summary>A user's personal API tokens (not their calendar feed), newest first.</summary>
    public async Task<IReadOnlyList<ApiTokenRecord>> ListTokensAsync(string userId, CancellationToken cancellationToken) =>
        [.. (await _tokens.ListByUserAsync(userId, cancellationToken)).Where(t => !CalendarFeeds.IsFeedToken(t))];

    /// <summary>Revokes a user's token; false when the user has no such token.</summary>
    public async Task<bool> RevokeTokenAsync(string userId, string tokenId, CancellationToken cancellationToken)
    {
        var revoked = await _tokens.RevokeAsync(userId, tokenId, _time.GetUtcNow(), cancellationToken);
        if (revoked)
        {
            LogTokenRevoked(_logger, tokenId, userId);
        }

        return revoked;
    }

    /// <summary>
    /// The active user a bearer secret belongs to, or null when the token is unknown, revoked or expired or its owner
    /// is deactivated. Records when the token was last used, at most once per <see cref="SecurityOptions.TokenLastUsedResolution"/>.
    /// </summary>
    public async Task<TokenAuthentication?> AuthenticateTokenAsync(string? secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length > MaxSecretLength)
        {
            return null;
        }

        var token = await _tokens.FindBySecretHashAsync(Secrets.HashToken(secret), cancellationToken);
        var now = _time.GetUtcNow();

        // A calendar feed secret opens its feed only; as a bearer token it is unknown.
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now || CalendarFeeds.IsFeedToken(token))
        {
            return null;
        }

        var user = await _users.FindByIdAsync(token.UserId, cancellationToken);
        if (user is not { IsActive: true })
        {
            return null;
        }

        var notBefore = now - _options.TokenLastUsedResolution;
        if (token.LastUsedAt is null || token.LastUsedAt <= notBefore)
        {
            await _tokens.TouchAsync(token.Id, now, notBefore, cancellationToken);
            token = token with { LastUsedAt = now };
        }

        return new TokenAuthentication(user, token);
    }

    /// <summary>
    /// On first start (no users at all) creates the administrator from <paramref name="options"/>, with a generated
    /// password when none is configured, and registers the configured API token. Nodes starting together on an
    /// empty database race safely: the unique e-mail lets one of them win.
    /// </summary>
    /// <exception cref="InvalidOperationException">A configured value is unusable (its value is never part of the message).</exception>
    public async Task<BootstrapResult> BootstrapAsync(BootstrapOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (await _users.AnyAsync(cancellationToken))
        {
            return new BootstrapResult(false, null, null, false);
        }

        var errors = new List<DomainError>();
        var email = ValidateEmail(string.IsNullOrWhiteSpace(options.AdminEmail) ? DefaultAdminEmail : options.AdminEmail, "AdminEmail", errors);
        string? generated = null;
        var password = options.AdminPassword;
        if (string.IsNullOrEmpty(password))
        {
            password = generated = Secrets.NewPassword();
        }
        else
        {
            ValidatePassword(password, "AdminPassword", errors);
        }

        var token = string.IsNullOrEmpty(options.AdminApiToken) ? null : options.AdminApiToken;
        if (token is not null && (token.Length is < 32 or > MaxSecretLength || token.Any(char.IsWhiteSpace)))
        {
            errors.Add(new DomainError("AdminApiToken", ErrorCodes.Invalid, "An API token has 32 to 512 characters and no white space."));
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors.Select(e => $"{BootstrapOptions.Section}:{e.Path}: {e.Message}")));
        }

        var now = _time.GetUtcNow();
        var admin = new UserRecord
        {
            Id = Secrets.NewId("usr"),
            Email = email!,
            NormalizedEmail = Normalize(email!),
            DisplayName = "Administrator",
            PasswordHash = PasswordHasher.Hash(password, _options.PasswordIterations),
            Roles = [Roles.Admin],
            SecurityStamp = Secrets.NewStamp(),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        if (!await _users.AddAsync(admin, cancellationToken))
        {
            return new BootstrapResult(false, null, null, false);
        }

        var registered = token is not null && await _tokens.AddAsync(
            new ApiTokenRecord
            {
                Id = Secrets.NewId("tok"),
                UserId = admin.Id,
                Name = "bootstrap (ChangeFlow:Bootstrap:AdminApiToken)",
                SecretHash = Secrets.HashToken(token),
                Prefix = Secrets.DisplayPrefix(token),
                CreatedAt = now,
            },
            cancellationToken);
        return new BootstrapResult(true, admin.Email, generated, registered);
    }

    /// <summary>The form e-mails are compared in.</summary>
    public static string Normalize(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim().ToLowerInvariant();
    }

    private static string? ValidateEmail(string? email, string path, List<DomainError> errors)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            errors.Add(new DomainError(path, ErrorCodes.Required, "An e-mail is required."));
            return null;
        }

        var trimmed = email.Trim();
        if (trimmed.Length > MaxEmailLength)
        {
            errors.Add(new DomainError(path, ErrorCodes.OutOfRange, $"An e-mail has at most {MaxEmailLength} characters."));
            return null;
        }

        // MailAddress also accepts "Name <a@b>" and comments; only a bare address that survives parsing unchanged counts.
        if (!MailAddress.TryCreate(trimmed, out var parsed) || parsed.Address != trimmed || parsed.DisplayName.Length > 0
            || trimmed.Any(char.IsWhiteSpace) || trimmed.IndexOf('@', StringComparison.Ordinal) < 1)
        {
            errors.Add(new DomainError(path, ErrorCodes.Invalid, $"'{trimmed}' is not an e-mail address such as name@example.org."));
            return null;
        }

        return trimmed;
    }

    private static string? ValidateDisplayName(string? displayName, string path, List<DomainError> errors)
    {
        if (displayName is null)
        {
            return null;
        }

        var trimmed = displayName.Trim();
        if (trimmed.Length == 0)
        {
            errors.Add(new DomainError(path, ErrorCodes.Required, "A display name cannot be blank."));
            return null;
        }

        if (trimmed.Length > MaxDisplayNameLength || trimmed.Any(char.IsControl))
        {
            errors.Add(new DomainError(path, ErrorCodes.Invalid, $"A display name has at most {MaxDisplayNameLength} characters and no control characters."));
            return null;
        }

        return trimmed;
    }

    private static IReadOnlyList<string> ValidateRoles(IReadOnlyList<string>? roles, string path, List<DomainError> errors)
    {
        if (roles is null)
        {
            return [];
        }

        var found = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < roles.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            var canonical = Roles.All.FirstOrDefault(r => string.Equals(r, roles[i]?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (canonical is null)
            {
                errors.Add(new DomainError(itemPath, string.IsNullOrWhiteSpace(roles[i]) ? ErrorCodes.Required : ErrorCodes.Invalid, $"A role is one of {string.Join(", ", Roles.All)}."));
            }
            else if (!found.Add(canonical))
            {
                errors.Add(new DomainError(itemPath, ErrorCodes.Duplicate, $"The role '{canonical}' is listed twice."));
            }
        }

        return [.. Roles.All.Where(found.Contains)];
    }

    private static IReadOnlyList<string> ValidateGroups(IReadOnlyList<string>? groups, string path, List<DomainError> errors)
    {
        if (groups is null)
        {
            return [];
        }

        var found = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            var group = groups[i];
            if (string.IsNullOrWhiteSpace(group))
            {
                errors.Add(new DomainError(itemPath, ErrorCodes.Required, "A group cannot be blank."));
            }
            else if (group.Length > MaxGroupLength || !GroupSlug().IsMatch(group))
            {
                errors.Add(new DomainError(itemPath, ErrorCodes.Invalid, $"'{group}' is not a group slug: lower-case letters and digits in words joined by '-', at most {MaxGroupLength} characters (e.g. lims-team)."));
            }
            else if (!found.Add(group))
            {
                errors.Add(new DomainError(itemPath, ErrorCodes.Duplicate, $"The group '{group}' is listed twice."));
            }
        }

        return [.. found];
    }

    /// <summary>A known IANA zone id, or null for blank (not set).</summary>
    private static string? ValidateZone(string? zone, string path, List<DomainError> errors)
    {
        if (string.IsNullOrWhiteSpace(zone))
        {
            return null;
        }

        var found = Domain.Time.ZoneCalendar.Find(zone.Trim(), path);
        errors.AddRange(found.Errors);
        return found.IsSuccess ? found.Value.Id : null;
    }

    /// <summary>A supported culture tag, or null for blank (not set).</summary>
    private static string? ValidateCulture(string? culture, string path, List<DomainError> errors)
    {
        if (string.IsNullOrWhiteSpace(culture))
        {
            return null;
        }

        if (!Notifications.NoticeCultures.IsSupported(culture.Trim()))
        {
            errors.Add(new DomainError(path, ErrorCodes.Invalid, Notifications.NoticeCultures.Describe(culture)));
            return null;
        }

        return culture.Trim();
    }

    private void ValidatePassword(string? password, string path, List<DomainError> errors)
    {
        if (string.IsNullOrEmpty(password))
        {
            errors.Add(new DomainError(path, ErrorCodes.Required, "A password is required."));
        }
        else if (password.Length < _options.MinPasswordLength || password.Length > MaxPasswordLength)
        {
            errors.Add(new DomainError(path, ErrorCodes.OutOfRange, $"A password has {_options.MinPasswordLength} to {MaxPasswordLength} characters."));
        }
        else if (string.IsNullOrWhiteSpace(password))
        {
            errors.Add(new DomainError(path, ErrorCodes.Invalid, "A password cannot be only white space."));
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex GroupSlug();

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} ({Email}) created with roles {Roles}.")]
    private static partial void LogUserCreated(ILogger logger, string userId, string email, string roles);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} updated: roles {Roles}, active {IsActive}, password changed {PasswordChanged}.")]
    private static partial void LogUserUpdated(ILogger logger, string userId, string roles, bool isActive, bool passwordChanged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Password sign-in from {ClientAddress} is paused after too many failures.")]
    private static partial void LogThrottled(ILogger logger, string clientAddress);

    [LoggerMessage(Level = LogLevel.Information, Message = "Browser sessions of user {UserId} ended.")]
    private static partial void LogSessionsEnded(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "API token {TokenId} issued to user {UserId} ({Name}).")]
    private static partial void LogTokenIssued(ILogger logger, string tokenId, string userId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "API token {TokenId} of user {UserId} revoked.")]
    private static partial void LogTokenRevoked(ILogger logger, string tokenId, string userId);
}
