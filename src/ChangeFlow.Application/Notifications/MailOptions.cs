using System.Globalization;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Notifications;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text: for a relay on the same host or a trusted network only.</summary>
    None,
    /// <summary>Connect in plain text, then require <c>STARTTLS</c> (usually port 587); fails when the server does not offer it.</summary>
    StartTls,
    /// <summary>TLS from the first byte (implicit TLS, usually port 465).</summary>
    SslOnConnect,
    /// <summary>TLS on connect for port 465, otherwise <c>STARTTLS</c> when the server offers it, else plain text.</summary>
    Auto,
}

/// <summary>Mail delivery settings (section <c>ChangeFlow:Mail</c>).</summary>
/// <remarks>
/// Every message is first an outbox row. With <see cref="SmtpSettings.Host"/> set, the outbox is delivered to that
/// SMTP server; without it, each message is written as <c>&lt;Message-ID&gt;.eml</c> into
/// <see cref="PickupDirectory"/>, so a new installation shows what it would send without any mail server.
/// </remarks>
public sealed class MailOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFlow:Mail";

    /// <summary>The name of the default pickup directory under the data directory.</summary>
    public const string DefaultPickupDirectoryName = "mail-pickup";

    /// <summary>Deliver the outbox from this node (claim due messages and send them).</summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>The sender of messages that name none.</summary>
    public MailSender From { get; set; } = new();

    /// <summary>The SMTP server; none configured means the pickup directory.</summary>
    public SmtpSettings Smtp { get; set; } = new();

    /// <summary>
    /// Where messages are written when no SMTP host is configured (absolute, or relative to the working directory).
    /// </summary>
    /// <value>The default is <c>&lt;DataDirectory&gt;/mail-pickup</c>.</value>
    public string? PickupDirectory { get; set; }

    /// <summary>How temporary failures are retried.</summary>
    public MailRetrySettings Retry { get; set; } = new();

    /// <summary>Messages claimed (and sent over one SMTP connection) at once.</summary>
    /// <value>The default is 50.</value>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// How long a node's claim on a message holds. It is renewed right before each message is sent, so it needs to
    /// exceed the time one batch takes to claim and one message takes to send; after it a message whose node died is
    /// claimed again by another node.
    /// </summary>
    /// <value>The default is 2 min.</value>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often each node looks for due messages that nobody is sending (scheduled messages coming due, retries,
    /// messages queued on other nodes, claims of dead nodes) and queues a dispatch job for them.
    /// </summary>
    /// <value>The default is 1 s.</value>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The administrators' notice of a message that could not be delivered.</summary>
    public FailureNoticeSettings FailureNotice { get; set; } = new();
}

/// <summary>The default sender (section <c>ChangeFlow:Mail:From</c>).</summary>
public sealed class MailSender
{
    /// <summary>The address.</summary>
    /// <value>The default is <c>changeflow@localhost</c>.</value>
    public string Address { get; set; } = "changeflow@localhost";

    /// <summary>The display name.</summary>
    /// <value>The default is <c>ChangeFlow</c>.</value>
    public string? DisplayName { get; set; } = "ChangeFlow";
}

/// <summary>The SMTP server (section <c>ChangeFlow:Mail:Smtp</c>).</summary>
public sealed class SmtpSettings
{
    /// <summary>The server's host name or address; empty means no SMTP server (pickup directory).</summary>
    public string? Host { get; set; }

    /// <summary>The port; 0 picks the usual one for <see cref="Security"/> (465 for SSL on connect, 587 for STARTTLS, else 25).</summary>
    /// <value>The default is 0.</value>
    public int Port { get; set; }

    /// <summary>How the connection is secured.</summary>
    /// <value>The default is <see cref="SmtpSecurity.Auto"/>.</value>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>The user to authenticate as; none means no authentication.</summary>
    public string? UserName { get; set; }

    /// <summary>The password of <see cref="UserName"/>. Pass it as an environment variable or secret, never in a file under version control.</summary>
    public string? Password { get; set; }

    /// <summary>How long one connect, command or message transfer may take before it counts as a (temporary) failure.</summary>
    /// <value>The default is 30 s.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The port actually used.</summary>
    public int EffectivePort => Port != 0 ? Port : Security switch
    {
        SmtpSecurity.SslOnConnect => 465,
        SmtpSecurity.StartTls => 587,
        _ => 25,
    };
}

/// <summary>How temporary failures are retried (section <c>ChangeFlow:Mail:Retry</c>).</summary>
public sealed class MailRetrySettings
{
    /// <summary>Attempts in all, the first included; a message still failing after the last one is Failed.</summary>
    /// <value>The default is 12 (with the default delays, about a day).</value>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>
    /// The wait after the first, second, ... failed attempt; the last one repeats for later attempts.
    /// </summary>
    /// <value>The default is 1 min, 5 min, 15 min, 30 min, 1 h, 2 h, 4 h.</value>
    public IList<TimeSpan> Delays { get; set; } = [];

    /// <summary>
    /// Each wait is varied at random by up to this fraction either way, so messages that failed together (a server
    /// outage) do not all come back at the same second.
    /// </summary>
    /// <value>The default is 0.2 (±20 %).</value>
    public double Jitter { get; set; } = 0.2;

    /// <summary>The delays in force: <see cref="Delays"/>, or the defaults when none are configured.</summary>
    public IReadOnlyList<TimeSpan> EffectiveDelays => Delays.Count > 0 ? [.. Delays] : DefaultDelays;

    /// <summary>The default back-off schedule.</summary>
    public static IReadOnlyList<TimeSpan> DefaultDelays { get; } =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4),
    ];

    /// <summary>
    /// When to try again after failed attempt number <paramref name="attempt"/> (1 for the first) at
    /// <paramref name="now"/>, with <paramref name="random"/> in [0, 1) spreading it by <see cref="Jitter"/>.
    /// </summary>
    public DateTimeOffset NextAttemptAt(DateTimeOffset now, int attempt, double random)
    {
        var delays = EffectiveDelays;
        var delay = delays[Math.Clamp(attempt - 1, 0, delays.Count - 1)];
        var factor = 1 + (Jitter * ((2 * random) - 1));
        return now + TimeSpan.FromTicks((long)(delay.Ticks * factor));
    }
}

/// <summary>The administrators' failure notice (section <c>ChangeFlow:Mail:FailureNotice</c>).</summary>
public sealed class FailureNoticeSettings
{
    /// <summary>Queue a <c>delivery-failure</c> notice to every active administrator (and <see cref="To"/>) when a message fails.</summary>
    /// <value>The default is true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Further addresses that get the notice, e.g. a shared operations mailbox.</summary>
    public IList<string> To { get; set; } = [];
}

/// <summary>
/// Checks <see cref="MailOptions"/> at start-up; each message names the setting by its configuration key and says
/// what is wrong with the value.
/// </summary>
public sealed class MailOptionsValidator : IValidateOptions<MailOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MailOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        const string S = MailOptions.Section;
        if (!IsAddress(options.From.Address))
        {
            errors.Add($"{S}:From:Address must be an e-mail address such as changeflow@example.org; it is '{options.From.Address}'.");
        }

        var smtp = options.Smtp;
        if (smtp.Port is < 0 or > 65535)
        {
            errors.Add($"{S}:Smtp:Port must be between 1 and 65535 (or 0 for the usual port of the security mode); it is {smtp.Port}.");
        }

        if (!Enum.IsDefined(smtp.Security))
        {
            errors.Add($"{S}:Smtp:Security must be one of None, StartTls, SslOnConnect, Auto.");
        }

        if (!string.IsNullOrEmpty(smtp.Host) && (smtp.Host.Contains(' ', StringComparison.Ordinal) || smtp.Host.Contains("://", StringComparison.Ordinal)))
        {
            errors.Add($"{S}:Smtp:Host must be a host name or address without scheme or spaces (e.g. smtp.example.org); it is '{smtp.Host}'.");
        }

        if (string.IsNullOrEmpty(smtp.UserName) != string.IsNullOrEmpty(smtp.Password))
        {
            errors.Add(string.IsNullOrEmpty(smtp.UserName)
                ? $"{S}:Smtp:Password is set but {S}:Smtp:UserName is not; set both to authenticate, or neither."
                : $"{S}:Smtp:UserName is set but {S}:Smtp:Password is not; set both to authenticate, or neither.");
        }

        if (!string.IsNullOrEmpty(smtp.UserName) && string.IsNullOrEmpty(smtp.Host))
        {
            errors.Add($"{S}:Smtp:UserName is set but {S}:Smtp:Host is not: credentials need an SMTP server.");
        }

        Check(errors, $"{S}:Smtp:Timeout", smtp.Timeout, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10));
        Check(errors, $"{S}:Lease", options.Lease, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        Check(errors, $"{S}:PollInterval", options.PollInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(5));
        if (options.Lease <= smtp.Timeout)
        {
            errors.Add($"{S}:Lease ({Format(options.Lease)}) must be longer than {S}:Smtp:Timeout ({Format(smtp.Timeout)}): a claim must outlast the sending of one message.");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            errors.Add($"{S}:BatchSize must be between 1 and 1000; it is {options.BatchSize}.");
        }

        var retry = options.Retry;
        if (retry.MaxAttempts is < 1 or > 100)
        {
            errors.Add($"{S}:Retry:MaxAttempts must be between 1 and 100; it is {retry.MaxAttempts}.");
        }

        for (var i = 0; i < retry.Delays.Count; i++)
        {
            Check(errors, $"{S}:Retry:Delays:{i}", retry.Delays[i], TimeSpan.FromSeconds(1), TimeSpan.FromDays(7));
        }

        if (double.IsNaN(retry.Jitter) || retry.Jitter is < 0 or > 0.9)
        {
            errors.Add($"{S}:Retry:Jitter must be between 0 and 0.9 (a fraction of each delay); it is {retry.Jitter.ToString(CultureInfo.InvariantCulture)}.");
        }

        for (var i = 0; i < options.FailureNotice.To.Count; i++)
        {
            if (!IsAddress(options.FailureNotice.To[i]))
            {
                errors.Add($"{S}:FailureNotice:To:{i} must be an e-mail address; it is '{options.FailureNotice.To[i]}'.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Whether <paramref name="address"/> is one plain mailbox address (no display name, no list).</summary>
    public static bool IsAddress(string? address) =>
        !string.IsNullOrWhiteSpace(address)
        && address.Trim() == address
        && System.Net.Mail.MailAddress.TryCreate(address, out var parsed)
        && string.Equals(parsed.Address, address, StringComparison.OrdinalIgnoreCase);

    private static void Check(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{key} must be between {Format(min)} and {Format(max)}; it is {Format(value)}.");
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
