using System.ComponentModel.DataAnnotations;

namespace ChangeFlow.Application.Security;

/// <summary>The administrator created on first start (section <c>ChangeFlow:Bootstrap</c>). Secrets here are never logged.</summary>
public sealed class BootstrapOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Bootstrap";

    /// <summary>The administrator's e-mail.</summary>
    /// <value>The default is <c>admin@localhost</c>.</value>
    public string? AdminEmail { get; set; }

    /// <summary>The administrator's password; when unset a random one is generated and written to the log once.</summary>
    /// <value>The default is none (generated).</value>
    public string? AdminPassword { get; set; }

    /// <summary>
    /// A bearer token registered for the administrator on first start, so deployment tools can call the API without
    /// signing in. Any string of 32 to 512 characters without spaces; only its SHA-256 is stored.
    /// </summary>
    /// <value>The default is none.</value>
    public string? AdminApiToken { get; set; }
}

/// <summary>Passwords, sign-in and API tokens (section <c>ChangeFlow:Security</c>).</summary>
public sealed class SecurityOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Security";

    /// <summary>PBKDF2-HMAC-SHA256 iterations for new password hashes; existing hashes keep theirs until the next sign-in.</summary>
    /// <value>The default is 600 000 (OWASP's 2023 figure for PBKDF2-HMAC-SHA256).</value>
    [Range(1_000, 10_000_000)]
    public int PasswordIterations { get; set; } = 600_000;

    /// <summary>The shortest password accepted.</summary>
    /// <value>The default is 12 characters.</value>
    [Range(8, 128)]
    public int MinPasswordLength { get; set; } = 12;

    /// <summary>
    /// Failed password sign-ins for one e-mail from one client address within <see cref="LockoutDuration"/> after
    /// which that address may not try that e-mail again until the window ends. The account itself is never locked:
    /// the user signs in from any other address.
    /// </summary>
    /// <value>The default is 5.</value>
    [Range(1, 1000)]
    public int MaxFailedSignIns { get; set; } = 5;

    /// <summary>
    /// Failed password sign-ins from one client address, whatever the e-mails, within <see cref="LockoutDuration"/>
    /// after which that address may not sign in with a password until the window ends (guessing across accounts).
    /// </summary>
    /// <value>The default is 50.</value>
    [Range(1, 100_000)]
    public int MaxFailedSignInsPerAddress { get; set; } = 50;

    /// <summary>
    /// The window failures are counted in, from a key's first failure; once a limit is reached, password sign-in for
    /// that key is refused until it ends (tokens keep working).
    /// </summary>
    /// <value>The default is 15 min.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a browser sign-in lasts without activity (the cookie slides while used).</summary>
    /// <value>The default is 8 h.</value>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// How long a node trusts what it last read of a signed-in user (active flag, security stamp, roles) before it
    /// reads the user again. A change made through this node applies to its next request at once; other nodes of a
    /// cluster notice within this interval. Zero reads the user on every request.
    /// </summary>
    /// <value>The default is 10 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan SessionCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Send the sign-in cookie over HTTPS only. Set it when a TLS proxy fronts ChangeFlow.</summary>
    /// <value>The default is false (the cookie follows the request's scheme).</value>
    public bool SecureCookie { get; set; }

    /// <summary>The longest lifetime an API token may be issued with; null for no limit.</summary>
    /// <value>The default is none.</value>
    public TimeSpan? MaxTokenLifetime { get; set; }

    /// <summary>How often a token's last-used instant is written at most.</summary>
    /// <value>The default is 1 min.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan TokenLastUsedResolution { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>How long <c>Idempotency-Key</c> answers are kept (section <c>ChangeFlow:Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Idempotency";

    /// <summary>How long a key's answer is replayed; after it the key may be reused.</summary>
    /// <value>The default is 24 h.</value>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often expired records are deleted.</summary>
    /// <value>The default is 1 h.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A first request still unanswered after this long counts as lost (its node died): the key is free again instead
    /// of answering 409 until the record expires.
    /// </summary>
    /// <value>The default is 2 min.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan InFlightTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Responses larger than this are answered but not stored (a retry then runs again).</summary>
    /// <value>The default is 1 MiB.</value>
    [Range(1_024, 64 * 1024 * 1024)]
    public int MaxStoredResponseBytes { get; set; } = 1024 * 1024;
}
