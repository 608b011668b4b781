using ChangeFlow.Domain.Common;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Security;

/// <summary>A user's calendar feed: its token and, only when just issued, the secret its address carries.</summary>
/// <param name="Token">The stored token (id <c>cal_…</c>).</param>
/// <param name="Secret">The secret (<c>cfc_…</c>), or null when the feed is only being shown.</param>
public sealed record CalendarFeed(ApiTokenRecord Token, string? Secret);

/// <summary>
/// Per-user secret addresses of the forward-schedule feed, for calendar apps that cannot send a bearer token.
/// A feed secret lives in a URL, where it leaks more easily than a header (proxy logs, shared calendars), so it is a
/// token of its own kind: it opens the feed and nothing else, a bearer request with it is refused, each user has at
/// most one, issuing a new one revokes the old one, and it can be revoked at any time.
/// </summary>
public sealed class CalendarFeeds(IUserStore users, IApiTokenStore tokens, TimeProvider time, IOptions<SecurityOptions> options)
{
    /// <summary>The start of every feed secret.</summary>
    public const string SecretPrefix = "cfc_";

    /// <summary>The name feed tokens carry in token lists.</summary>
    public const string TokenName = "calendar feed";

    private const string IdPrefix = "cal";
    private const int MaxSecretLength = 128;

    /// <summary>Whether <paramref name="token"/> is a calendar feed token (not a personal API token).</summary>
    public static bool IsFeedToken(ApiTokenRecord token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Id.StartsWith(IdPrefix + "_", StringComparison.Ordinal);
    }

    /// <summary>Issues a new feed secret for <paramref name="userId"/>, revoking the one they had.</summary>
    public async Task<Result<CalendarFeed>> IssueAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId, cancellationToken);
        if (user is null)
        {
            return Result.Failure<CalendarFeed>(string.Empty, ErrorCodes.Unknown, $"No user '{userId}'.");
        }

        if (!user.IsActive)
        {
            return Result.Failure<CalendarFeed>(string.Empty, ErrorCodes.NotAllowed, "The user is deactivated.");
        }

        await RevokeAsync(userId, cancellationToken);
        var secret = Secrets.NewToken(SecretPrefix);
        var token = new ApiTokenRecord
        {
            Id = Secrets.NewId(IdPrefix),
            UserId = user.Id,
            Name = TokenName,
            SecretHash = Secrets.HashToken(secret),
            Prefix = Secrets.DisplayPrefix(secret, SecretPrefix),
            CreatedAt = time.GetUtcNow(),
        };
        if (!await tokens.AddAsync(token, cancellationToken))
        {
            throw new InvalidOperationException("A freshly generated feed secret is already stored.");
        }

        return Result.Success(new CalendarFeed(token, secret));
    }

    /// <summary>The user's current feed (without its secret), or null when they have none.</summary>
    public async Task<CalendarFeed?> FindAsync(string userId, CancellationToken cancellationToken) =>
        (await tokens.ListByUserAsync(userId, cancellationToken)).FirstOrDefault(t => IsFeedToken(t) && t.RevokedAt is null) is { } token
            ? new CalendarFeed(token, null)
            : null;

    /// <summary>Revokes the user's feed; false when they had none.</summary>
    public async Task<bool> RevokeAsync(string userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var revoked = false;
        foreach (var token in (await tokens.ListByUserAsync(userId, cancellationToken)).Where(t => IsFeedToken(t) && t.RevokedAt is null))
        {
            revoked |= await tokens.RevokeAsync(userId, token.Id, now, cancellationToken);
        }

        return revoked;
    }

    /// <summary>The active owner of a feed secret, or null when it is unknown, revoked, not a feed secret or its owner is deactivated.</summary>
    public async Task<UserRecord?> AuthenticateAsync(string? secret, CancellationToken cancellationToken)
    {
        if (secret is null || secret.Length > MaxSecretLength || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var token = await tokens.FindBySecretHashAsync(Secrets.HashToken(secret), cancellationToken);
        if (token is null || !IsFeedToken(token) || token.RevokedAt is not null)
        {
            return null;
        }

        var user = await users.FindByIdAsync(token.UserId, cancellationToken);
        if (user is not { IsActive: true })
        {
            return null;
        }

        // Last use is recorded as for API tokens: at most once per TokenLastUsedResolution.
        var now = time.GetUtcNow();
        var notBefore = now - options.Value.TokenLastUsedResolution;
        if (token.LastUsedAt is null || token.LastUsedAt <= notBefore)
        {
            await tokens.TouchAsync(token.Id, now, notBefore, cancellationToken);
        }

        return user;
    }
}
