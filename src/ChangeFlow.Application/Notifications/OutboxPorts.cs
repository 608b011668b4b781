using ChangeFlow.Application.Workflows;

namespace ChangeFlow.Application.Notifications;

/// <summary>One recipient or sender of a message: an address and an optional display name.</summary>
public sealed record MailRecipient(string Address, string? Name = null)
{
    /// <inheritdoc />
    public override string ToString() => string.IsNullOrWhiteSpace(Name) ? Address : $"{Name} <{Address}>";
}

/// <summary>A file sent with a message, e.g. an iCalendar invite (<c>text/calendar; method=REQUEST</c>).</summary>
public sealed record MailAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>
/// A message ChangeFlow wants delivered. It is first an outbox row, committed with whatever caused it; a sender
/// delivers it later (SMTP, or a pickup directory when no SMTP server is configured).
/// </summary>
public sealed record OutboundMessage
{
    /// <summary>The outbox row id.</summary>
    public required string Id { get; init; }

    /// <summary>
    /// The RFC 5322 Message-ID without angle brackets (e.g. <c>0192...@changeflow.local</c>); the outbox assigns one
    /// from the row id when null. Every attempt sends the same one, so a receiver can drop a second copy after a
    /// crash between the SMTP accept and the sent mark.
    /// </summary>
    public string? MessageId { get; init; }

    /// <summary>When set, a second message with the same key is not queued (the first one stands).</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The sender; the configured default when null.</summary>
    public MailRecipient? From { get; init; }

    /// <summary>The recipients.</summary>
    public IReadOnlyList<MailRecipient> To { get; init; } = [];

    /// <summary>The copy recipients.</summary>
    public IReadOnlyList<MailRecipient> Cc { get; init; } = [];

    /// <summary>The blind copy recipients.</summary>
    public IReadOnlyList<MailRecipient> Bcc { get; init; } = [];

    /// <summary>The subject line.</summary>
    public required string Subject { get; init; }

    /// <summary>The HTML part, if any.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>The plain-text part, if any.</summary>
    public string? TextBody { get; init; }

    /// <summary>Attached files.</summary>
    public IReadOnlyList<MailAttachment> Attachments { get; init; } = [];

    /// <summary>Extra headers (e.g. <c>In-Reply-To</c>, <c>References</c>, <c>X-ChangeFlow-Change</c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Not sent before this instant (a scheduled notice); null sends as soon as possible.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>What the message is about, to find or cancel it later, e.g. <c>change:RFC-2026-014</c>.</summary>
    public string? CorrelationKey { get; init; }

    /// <summary>What kind of message it is (usually its template name, e.g. <c>maintenance-notice</c>).</summary>
    public string? Kind { get; init; }

    /// <summary>The workflow instance whose run queued it, if any.</summary>
    public string? InstanceId { get; init; }

    /// <summary>The activity that queued it, if any.</summary>
    public string? ActivityId { get; init; }
}

/// <summary>Ids for new outbox messages.</summary>
public static class OutboxIds
{
    /// <summary>The domain part of Message-IDs the outbox assigns.</summary>
    public const string MessageIdDomain = "changeflow.local";

    /// <summary>A new, time-ordered row id.</summary>
    public static string New(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Guid.CreateVersion7(time.GetUtcNow()).ToString("N");
    }

    /// <summary>The Message-ID the outbox gives a row with id <paramref name="id"/> that has none of its own.</summary>
    public static string MessageIdFor(string id) => $"{id}@{MessageIdDomain}";
}

/// <summary>Where an outbox message is in its life.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting to be sent (or to be retried).</summary>
    Pending,
    /// <summary>Accepted by the SMTP server or written to the pickup directory.</summary>
    Sent,
    /// <summary>Refused for good (a permanent SMTP error, or retries exhausted).</summary>
    Failed,
    /// <summary>Withdrawn before it was sent (e.g. the change it announced was cancelled or moved).</summary>
    Canceled,
}

/// <summary>An outbox row: the message and its delivery bookkeeping.</summary>
public sealed record OutboxEntry(
    OutboundMessage Message,
    OutboxStatus Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? SentAt,
    string? LastError,
    long Version);

/// <summary>A filter on the outbox; null members do not filter.</summary>
public sealed record OutboxQuery(OutboxStatus? Status = null, string? CorrelationKey = null, string? Kind = null);

/// <summary>
/// Queues a message, queued at <paramref name="QueuedAt"/>, in the transaction of the run that produced it (skipped
/// when its idempotency key is taken).
/// </summary>
public sealed record OutboxWrite(OutboundMessage Message, DateTimeOffset QueuedAt) : IRunWrite;

/// <summary>
/// Cancels, in the run's transaction, every pending message with <paramref name="CorrelationKey"/> (and, when given,
/// whose kind starts with <paramref name="KindPrefix"/>).
/// </summary>
public sealed record OutboxCancelWrite(string CorrelationKey, string? KindPrefix = null) : IRunWrite;

/// <summary>The outbox, for code that is not part of a workflow run (API commands, background jobs).</summary>
public interface IOutbox
{
    /// <summary>Queues a message in its own transaction; false when its idempotency key was already queued.</summary>
    Task<bool> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken);

    /// <summary>Cancels the pending messages of a correlation key (and kind prefix); returns how many.</summary>
    Task<int> CancelPendingAsync(string correlationKey, string? kindPrefix, CancellationToken cancellationToken);

    /// <summary>One message by outbox id.</summary>
    Task<OutboxEntry?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Messages matching <paramref name="query"/>, newest first.</summary>
    Task<Page<OutboxEntry>> ListAsync(OutboxQuery query, int skip, int take, CancellationToken cancellationToken);
}
