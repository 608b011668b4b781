using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Application.Notifications;

/// <summary>
/// The outbox as the dispatcher sees it: claims with a lease (the <c>ClaimedBy</c>/<c>ClaimedUntil</c> columns, as
/// the timer dispatcher claims bookmarks), a re-check before each send, and the state changes after it. Every state
/// change names the state and the claim it expects and reports whether it applied, so a node whose claim was taken
/// over changes nothing.
/// </summary>
public interface IOutboxDeliveryStore
{
    /// <summary>
    /// In one statement, claims up to <paramref name="take"/> messages that are Pending, due
    /// (<c>NextAttemptAt</c> at or before <paramref name="now"/>) and not held by a live claim, for
    /// <paramref name="owner"/> until <paramref name="claimedUntil"/>; returns them with their attachments, earliest
    /// due first. Two callers never get the same message while a claim holds, on one node or several.
    /// </summary>
    Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int take, CancellationToken cancellationToken);

    /// <summary>Whether any message is Pending, due at <paramref name="now"/> and not held by a live claim (one indexed lookup).</summary>
    Task<bool> HasDueAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// The re-check right before a send: when the message is still Pending and claimed by <paramref name="owner"/>,
    /// extends the claim to <paramref name="claimedUntil"/> and returns true; otherwise (sent, cancelled, failed or
    /// taken over by another node meanwhile) changes nothing and returns false.
    /// </summary>
    Task<bool> RenewClaimAsync(string id, string owner, DateTimeOffset claimedUntil, CancellationToken cancellationToken);

    /// <summary>
    /// Marks a message <paramref name="owner"/> holds as Sent (also when it was cancelled while it was being
    /// transferred: it did go out), counts the attempt, records <paramref name="note"/> (e.g. refused recipients) as
    /// the last error and ends the claim. False when the claim is no longer <paramref name="owner"/>'s.
    /// </summary>
    Task<bool> MarkSentAsync(string id, string owner, DateTimeOffset sentAt, string? note, CancellationToken cancellationToken);

    /// <summary>Counts a failed attempt, keeps the message Pending until <paramref name="nextAttemptAt"/> and ends the claim.</summary>
    Task<bool> MarkRetryAsync(string id, string owner, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken);

    /// <summary>Counts a failed attempt and marks the message Failed for good (no automatic retry); ends the claim.</summary>
    Task<bool> MarkFailedAsync(string id, string owner, string error, CancellationToken cancellationToken);

    /// <summary>Ends <paramref name="owner"/>'s claim on a message it did not try (e.g. the node is stopping), so another node may send it at once.</summary>
    Task ReleaseAsync(string id, string owner, CancellationToken cancellationToken);

    /// <summary>
    /// An administrator's retry: a Failed message becomes Pending, due at <paramref name="now"/>, with its attempt
    /// count reset (its last error stays until the next attempt).
    /// </summary>
    Task<OutboxChange> RetryFailedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// An administrator's cancel: a Pending message becomes Canceled, unless a node is sending it right now (a live
    /// claim at <paramref name="now"/>), which is a conflict.
    /// </summary>
    Task<OutboxChange> CancelPendingAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The result of an administrator's state change on one outbox message.</summary>
/// <param name="Result">What happened.</param>
/// <param name="Status">The message's status afterwards (before, when nothing changed); null when not found.</param>
public sealed record OutboxChange(OutboxChangeResult Result, OutboxStatus? Status);

/// <summary>How an administrator's state change on an outbox message ended.</summary>
public enum OutboxChangeResult
{
    /// <summary>Changed.</summary>
    Changed,
    /// <summary>No such message.</summary>
    NotFound,
    /// <summary>The message is not in the state the change needs (or is being sent right now).</summary>
    Conflict,
}

/// <summary>A recipient the SMTP server refused, with its reply.</summary>
/// <param name="Address">The recipient's address.</param>
/// <param name="Code">The SMTP reply code (e.g. 550), when there was one.</param>
/// <param name="Reply">The server's reply text.</param>
public sealed record RefusedRecipient(string Address, int? Code, string Reply)
{
    /// <summary>Whether the refusal is for good (a 5xx reply).</summary>
    public bool IsPermanent => Code is >= 500 and < 600;

    /// <inheritdoc />
    public override string ToString() => Code is { } code ? $"{Address} ({code} {Reply})" : $"{Address} ({Reply})";
}

/// <summary>How one message went out.</summary>
/// <param name="Refused">Recipients the server refused while it accepted the message for the others.</param>
public sealed record MailSendResult(IReadOnlyList<RefusedRecipient> Refused)
{
    /// <summary>Accepted for every recipient.</summary>
    public static MailSendResult Delivered { get; } = new([]);
}

/// <summary>Delivers messages: an SMTP server, or a pickup directory.</summary>
public interface IMailTransport
{
    /// <summary>What it delivers to, for logs and the admin API (e.g. <c>smtp://relay.example.org:587 (StartTls)</c>), without credentials.</summary>
    string Description { get; }

    /// <summary>Opens a session that sends a batch (one SMTP connection, authenticated once).</summary>
    /// <exception cref="MailDeliveryException">The server cannot be reached or refuses the session.</exception>
    Task<IMailSession> OpenAsync(CancellationToken cancellationToken);
}

/// <summary>One connection to the mail server, for a batch of messages. Disposing it says goodbye (SMTP <c>QUIT</c>).</summary>
public interface IMailSession : IAsyncDisposable
{
    /// <summary>Sends one message, with the same Message-ID on every attempt.</summary>
    /// <exception cref="MailDeliveryException">The message was not accepted (for any recipient).</exception>
    Task<MailSendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// A delivery that did not happen, classified: a temporary failure (4xx replies, connection refused, DNS, timeouts,
/// TLS trouble) is retried with back-off; a permanent one (5xx replies, an unusable address) is not.
/// </summary>
public sealed class MailDeliveryException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MailDeliveryException(string message, bool permanent, bool sessionBroken, int? smtpCode = null, IReadOnlyList<RefusedRecipient>? refused = null, Exception? inner = null)
        : base(message, inner)
    {
        Permanent = permanent;
        SessionBroken = sessionBroken;
        SmtpCode = smtpCode;
        Refused = refused ?? [];
    }

    /// <summary>Creates a temporary failure.</summary>
    public MailDeliveryException()
        : this("The message could not be delivered.", permanent: false, sessionBroken: true)
    {
    }

    /// <summary>Creates a temporary failure.</summary>
    public MailDeliveryException(string message)
        : this(message, permanent: false, sessionBroken: true)
    {
    }

    /// <summary>Creates a temporary failure.</summary>
    public MailDeliveryException(string message, Exception inner)
        : this(message, permanent: false, sessionBroken: true, inner: inner)
    {
    }

    /// <summary>Whether retrying cannot help (the message is marked Failed at once).</summary>
    public bool Permanent { get; }

    /// <summary>Whether the connection is unusable afterwards (the next message opens a new one).</summary>
    public bool SessionBroken { get; }

    /// <summary>The SMTP reply code, when the server answered.</summary>
    public int? SmtpCode { get; }

    /// <summary>Recipients refused one by one, when every recipient was refused.</summary>
    public IReadOnlyList<RefusedRecipient> Refused { get; }
}

/// <summary>Wakes the local outbox pump: something was just queued (committed), so a dispatch need not wait for the next poll.</summary>
public interface IOutboxSignal
{
    /// <summary>Says that messages were committed to the outbox.</summary>
    void MessagesQueued();
}

/// <summary>Queues the outbox dispatch job (the Hangfire adapter runs <see cref="OutboxDispatcher.DispatchDueAsync"/>).</summary>
public interface IOutboxJobs
{
    /// <summary>Queues a dispatch job to run now on any node with a job server; returns its id.</summary>
    Task<string?> EnqueueDispatchAsync(CancellationToken cancellationToken);

    /// <summary>Whether that job is still going to run or running on a live server.</summary>
    Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken);
}

/// <summary>A recorded delivery problem, listed for administrators (<c>GET /api/outbox/failures</c>).</summary>
/// <param name="Id">The record's id.</param>
/// <param name="OutboxId">The outbox message.</param>
/// <param name="MessageId">Its Message-ID.</param>
/// <param name="CorrelationKey">What the message was about (e.g. <c>change:RFC-2026-014</c>).</param>
/// <param name="Kind">Its kind (template name).</param>
/// <param name="Subject">Its subject.</param>
/// <param name="At">When the problem was recorded.</param>
/// <param name="Reason">Why, as the server or the sender said it.</param>
/// <param name="Refused">Recipients refused (all of them for a failed message; some of them for a message sent to the others).</param>
/// <param name="Attempts">Attempts made so far.</param>
/// <param name="MessageFailed">True when the message is Failed (nobody got it); false when it went out to the recipients not refused.</param>
public sealed record DeliveryFailure(
    string Id,
    string OutboxId,
    string MessageId,
    string? CorrelationKey,
    string? Kind,
    string Subject,
    DateTimeOffset At,
    string Reason,
    IReadOnlyList<RefusedRecipient> Refused,
    int Attempts,
    bool MessageFailed);

/// <summary>Keeps delivery problems for administrators.</summary>
public interface IDeliveryFailureStore
{
    /// <summary>Adds a record; a second record with the same id is ignored (a report made twice stays one).</summary>
    Task<bool> AddAsync(DeliveryFailure failure, CancellationToken cancellationToken);

    /// <summary>Records, newest first, optionally of one outbox message.</summary>
    Task<Page<DeliveryFailure>> ListAsync(string? outboxId, int skip, int take, CancellationToken cancellationToken);
}

/// <summary>
/// Makes a delivery problem visible to administrators: the default implementation records it
/// (<see cref="IDeliveryFailureStore"/>), adds a timeline entry on the message's correlation, logs an error and
/// queues a <c>delivery-failure</c> notice to the administrators (never about a failed notice of that kind). Hosts may
/// add to it (e.g. open an incident).
/// </summary>
public interface IDeliveryFailureReporter
{
    /// <summary>Reports a problem; must not throw for a reporting failure of its own (it logs it).</summary>
    Task ReportAsync(DeliveryFailure failure, OutboxEntry entry, CancellationToken cancellationToken);
}
