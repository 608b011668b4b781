using ChangeFlow.Testing;

namespace ChangeFlow.Web.Tests.Support;

/// <summary>How a <see cref="ChangeFlowServer"/> is started. The defaults suit most API tests.</summary>
public sealed class ChangeFlowServerOptions
{
    /// <summary>The e-mail of the first-start administrator.</summary>
    public const string DefaultAdminEmail = "admin@changeflow.test";

    /// <summary>The administrator's configured password.</summary>
    public const string DefaultAdminPassword = "admin-password-for-tests";

    /// <summary>The administrator's configured API token.</summary>
    public const string DefaultAdminApiToken = "cfp_test-admin-token-0123456789abcdefghijklmnop";

    /// <summary>The database: a migrated SQLite copy (default) or a fresh PostgreSQL database.</summary>
    public DatabaseProvider Provider { get; init; } = DatabaseProvider.Sqlite;

    /// <summary><c>ChangeFlow:Bootstrap:AdminEmail</c>.</summary>
    public string AdminEmail { get; init; } = DefaultAdminEmail;

    /// <summary><c>ChangeFlow:Bootstrap:AdminPassword</c>; null lets the service generate and log one.</summary>
    public string? AdminPassword { get; init; } = DefaultAdminPassword;

    /// <summary><c>ChangeFlow:Bootstrap:AdminApiToken</c>; null registers none (then <see cref="ChangeFlowServer.Admin"/> cannot be used).</summary>
    public string? AdminApiToken { get; init; } = DefaultAdminApiToken;

    /// <summary>
    /// Run a Hangfire server (timers fire by themselves). Off by default: API tests drive time with the fake clock.
    /// Hangfire keeps its storage in a static, so tests that run a job server belong in a non-parallel collection.
    /// </summary>
    public bool RunJobServer { get; init; }

    /// <summary>The workflows imported at start-up; the default is an empty directory (nothing imported).</summary>
    public string? WorkflowsDirectory { get; init; }

    /// <summary>Where the fake clock starts.</summary>
    public DateTimeOffset ClockStart { get; init; } = EngineFixture.StartInstant;

    /// <summary>
    /// Run the service on <see cref="TimeProvider.System"/> instead of the fake clock, for tests with a real job server:
    /// Hangfire schedules jobs at absolute instants and compares them with its own (real) clock, so a service whose
    /// time stands still or jumps would disagree with it. <see cref="ChangeFlowServer.Clock"/> cannot be used then.
    /// </summary>
    public bool UseSystemClock { get; init; }

    /// <summary>
    /// A message template engine for the service, for tests of features
    /// that queue e-mails; none by default, as the service registers none of its own yet.
    /// </summary>
    public Application.Notifications.IMessageTemplates? MessageTemplates { get; init; }

    /// <summary>
    /// Further settings, as configuration keys (<c>ChangeFlow:Security:MaxFailedSignIns</c>); they override the
    /// fixture's own. Password hashing defaults to 1 000 iterations here to keep tests fast.
    /// </summary>
    public Dictionary<string, string?> Settings { get; init; } = [];
}
