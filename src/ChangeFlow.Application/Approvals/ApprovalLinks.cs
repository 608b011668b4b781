using System.Security.Cryptography;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Tasks;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Approvals;

/// <summary>An issued link: its address and what it proves.</summary>
/// <param name="Url">The absolute address to put in the e-mail.</param>
/// <param name="Token">The token (the last path segment).</param>
/// <param name="Claims">What the token says.</param>
public sealed record ApprovalLink(Uri Url, string Token, ApprovalLinkClaims Claims);

/// <summary>What checking a token found.</summary>
public enum LinkCheckStatus
{
    /// <summary>Signed by ChangeFlow and not expired.</summary>
    Valid,

    /// <summary>Not a token, or one whose signature does not check (changed, truncated, or signed with an unknown key).</summary>
    Invalid,

    /// <summary>Genuine, but past its expiry.</summary>
    Expired,
}

/// <summary>The result of <see cref="ApprovalLinks.CheckAsync"/>; <see cref="Claims"/> is set for Valid and Expired only.</summary>
public sealed record LinkCheck(LinkCheckStatus Status, ApprovalLinkClaims? Claims);

/// <summary>
/// Issues and checks the signed, expiring approve / reject links of approval e-mails
/// (<c>{PublicBaseUrl}/mail/approvals/{token}</c>). A link expires at the earlier of its task's due time and
/// <see cref="MailApprovalOptions.LinkLifetime"/> after it was issued. Single use is recorded separately, with the
/// completion (<see cref="MailLinkRedemption"/>).
/// </summary>
public sealed class ApprovalLinks
{
    /// <summary>The path of the link pages, under the public base address.</summary>
    public const string PathPrefix = "mail/approvals";

    private readonly MailLinkKeyRing _keys;
    private readonly IPublicUrls _urls;
    private readonly IOptions<MailApprovalOptions> _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public ApprovalLinks(MailLinkKeyRing keys, IPublicUrls urls, IOptions<MailApprovalOptions> options, TimeProvider time)
    {
        _keys = keys;
        _urls = urls;
        _options = options;
        _time = time;
    }

    /// <summary>When a link for <paramref name="task"/> issued at <paramref name="issuedAt"/> expires (whole seconds, rounded down).</summary>
    public DateTimeOffset ExpiryFor(HumanTask task, DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(task);
        var latest = issuedAt + _options.Value.LinkLifetime;
        var expires = task.DueAt is { } due && due < latest ? due : latest;
        return DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds());
    }

    /// <summary>Signs a new link (a fresh token id) that lets <paramref name="userId"/> <paramref name="action"/> <paramref name="task"/>.</summary>
    public async Task<ApprovalLink> IssueAsync(HumanTask task, ApprovalAction action, string userId, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        var key = await _keys.GetSigningKeyAsync(cancellationToken);
        var claims = new ApprovalLinkClaims(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), task.Id, action, userId, ExpiryFor(task, issuedAt), key.Id);
        var token = ApprovalLinkToken.Create(claims, key);
        return new ApprovalLink(_urls.Link($"{PathPrefix}/{token}"), token, claims);
    }

    /// <summary>Checks a token's layout, signature (in constant time) and expiry. Reads nothing but the keys.</summary>
    public async Task<LinkCheck> CheckAsync(string? token, CancellationToken cancellationToken)
    {
        if (!ApprovalLinkToken.TryRead(token, out var claims, out var signed, out var mac))
        {
            return new LinkCheck(LinkCheckStatus.Invalid, null);
        }

        var key = await _keys.FindAsync(claims.KeyId, cancellationToken);
        if (key is null || !ApprovalLinkToken.Verify(signed, mac, key))
        {
            return new LinkCheck(LinkCheckStatus.Invalid, null);
        }

        return _time.GetUtcNow() >= claims.ExpiresAt
            ? new LinkCheck(LinkCheckStatus.Expired, claims)
            : new LinkCheck(LinkCheckStatus.Valid, claims);
    }
}
