using ChangeFlow.Application.Notifications;
using ChangeFlow.Domain.Common;
using ChangeFlow.Web.Security;

namespace ChangeFlow.Web.Api;

/// <summary>
/// The outbox for administrators: every message ChangeFlow queued, its delivery state, attempts and last error;
/// retrying a Failed message, cancelling a Pending one; the delivery-failure records and this node's sender state.
/// </summary>
public static class OutboxApi
{
    private const int MaxTake = 200;

    /// <summary>Maps the endpoints (Admin policy).</summary>
    public static IEndpointRouteBuilder MapOutboxApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/outbox").WithTags("Outbox").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListAsync)
            .Produces<OutboxPageView>().ProducesValidationProblem()
            .WithSummary("Lists outbox messages, newest first: ?status=Pending|Sent|Failed|Canceled&correlation=change:RFC-2026-014&kind=maintenance-notice&skip=&take= (1-200, default 50).");
        group.MapGet("/failures", FailuresAsync)
            .Produces<DeliveryFailurePageView>().ProducesValidationProblem()
            .WithSummary("Lists delivery failures (failed messages and refused recipients), newest first: ?outboxId=&skip=&take=.");
        group.MapGet("/sender", (MailDeliveryState state) => TypedResults.Ok(MailSenderView.Of(state.Snapshot)))
            .Produces<MailSenderView>()
            .WithSummary("This node's mail sender: where it delivers, its last success and failure (with the error), counts since start.");
        group.MapGet("/{id}", async (string id, IOutbox outbox, CancellationToken ct) =>
                await outbox.FindAsync(id, ct) is { } entry
                    ? TypedResults.Ok(OutboxMessageView.Of(entry))
                    : NotFound(id))
            .Produces<OutboxMessageView>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One outbox message: recipients, bodies, headers, attachments (metadata), status, attempts and last error.");
        group.MapPost("/{id}/retry", async (string id, OutboxAdministration admin, CancellationToken ct) =>
                ApiResults.From(await admin.RetryAsync(id, ct), entry => TypedResults.Ok(OutboxMessageView.Of(entry))))
            .Produces<OutboxMessageView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Sends a Failed message again: it becomes Pending, due now, with a fresh set of attempts (409 unless it is Failed).");
        group.MapPost("/{id}/cancel", async (string id, OutboxAdministration admin, CancellationToken ct) =>
                ApiResults.From(await admin.CancelAsync(id, ct), entry => TypedResults.Ok(OutboxMessageView.Of(entry))))
            .Produces<OutboxMessageView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Withdraws a Pending message (409 when it is not Pending, or a node is sending it right now).");
        return app;
    }

    private static async Task<IResult> ListAsync(string? status, string? correlation, string? kind, string? skip, string? take, IOutbox outbox, CancellationToken ct)
    {
        var errors = new List<DomainError>();
        var parsedStatus = QueryValues.Enum<OutboxStatus>("status", status, errors);
        var (skipCount, takeCount) = Paging(skip, take, errors);
        if (correlation is { Length: > 128 })
        {
            errors.Add(new DomainError("correlation", ErrorCodes.OutOfRange, "'correlation' is at most 128 characters."));
        }

        if (kind is { Length: > 64 })
        {
            errors.Add(new DomainError("kind", ErrorCodes.OutOfRange, "'kind' is at most 64 characters."));
        }

        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        var page = await outbox.ListAsync(new OutboxQuery(parsedStatus, NullIfEmpty(correlation), NullIfEmpty(kind)), skipCount, takeCount, ct);
        return TypedResults.Ok(new OutboxPageView([.. page.Items.Select(OutboxMessageSummaryView.Of)], page.Total, page.Skip, page.Take));
    }

    private static async Task<IResult> FailuresAsync(string? outboxId, string? skip, string? take, IDeliveryFailureStore failures, CancellationToken ct)
    {
        var errors = new List<DomainError>();
        var (skipCount, takeCount) = Paging(skip, take, errors);
        if (outboxId is { Length: > 64 })
        {
            errors.Add(new DomainError("outboxId", ErrorCodes.OutOfRange, "'outboxId' is at most 64 characters."));
        }

        if (errors.Count > 0)
        {
            return ApiResults.Invalid(errors);
        }

        var page = await failures.ListAsync(NullIfEmpty(outboxId), skipCount, takeCount, ct);
        return TypedResults.Ok(new DeliveryFailurePageView(page.Items, page.Total, page.Skip, page.Take));
    }

    private static (int Skip, int Take) Paging(string? skip, string? take, List<DomainError> errors)
    {
        var (skipCount, takeCount) = (QueryValues.Int("skip", skip, errors), QueryValues.Int("take", take, errors));
        if (skipCount is < 0)
        {
            errors.Add(new DomainError("skip", ErrorCodes.OutOfRange, "'skip' must not be negative."));
        }

        if (takeCount is < 1 or > MaxTake)
        {
            errors.Add(new DomainError("take", ErrorCodes.OutOfRange, $"'take' must be between 1 and {MaxTake}."));
        }

        return (skipCount ?? 0, takeCount ?? 50);
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static IResult NotFound(string id) =>
        ApiResults.From(Application.Common.CommandResult.NotFound<object>(string.Empty, $"No outbox message '{id}'."), _ => Results.Empty);
}

/// <summary>A page of outbox messages.</summary>
/// <param name="Items">The messages, newest first.</param>
/// <param name="Total">How many match in all.</param>
/// <param name="Skip">Skipped.</param>
/// <param name="Take">Asked for.</param>
public sealed record OutboxPageView(IReadOnlyList<OutboxMessageSummaryView> Items, int Total, int Skip, int Take);

/// <summary>An outbox message in a list.</summary>
/// <param name="Id">The outbox id.</param>
/// <param name="MessageId">The Message-ID (the same on every attempt).</param>
/// <param name="Status">Pending, Sent, Failed or Canceled.</param>
/// <param name="Kind">Its kind (template name), e.g. maintenance-notice or send-email.</param>
/// <param name="CorrelationKey">What it is about, e.g. change:RFC-2026-014.</param>
/// <param name="Subject">The subject.</param>
/// <param name="To">The recipients' addresses (To, Cc and Bcc).</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="NotBefore">Its scheduled time, if any.</param>
/// <param name="NextAttemptAt">When a Pending message is tried next.</param>
/// <param name="SentAt">When it was sent.</param>
/// <param name="LastError">The last failure (or, on a Sent message, the recipients refused).</param>
public sealed record OutboxMessageSummaryView(
    string Id,
    string MessageId,
    OutboxStatus Status,
    string? Kind,
    string? CorrelationKey,
    string Subject,
    IReadOnlyList<string> To,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NotBefore,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? SentAt,
    string? LastError)
{
    /// <summary>The view of an entry.</summary>
    public static OutboxMessageSummaryView Of(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var m = entry.Message;
        return new(
            m.Id,
            m.MessageId ?? OutboxIds.MessageIdFor(m.Id),
            entry.Status,
            m.Kind,
            m.CorrelationKey,
            m.Subject,
            [.. m.To.Concat(m.Cc).Concat(m.Bcc).Select(r => r.Address)],
            entry.Attempts,
            entry.CreatedAt,
            m.NotBefore,
            entry.NextAttemptAt,
            entry.SentAt,
            entry.LastError);
    }
}

/// <summary>One outbox message in full.</summary>
/// <param name="Id">The outbox id.</param>
/// <param name="MessageId">The Message-ID.</param>
/// <param name="IdempotencyKey">The key a second copy would be refused by, if any.</param>
/// <param name="Status">Pending, Sent, Failed or Canceled.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="CorrelationKey">What it is about.</param>
/// <param name="InstanceId">The workflow instance whose run queued it.</param>
/// <param name="ActivityId">The activity that queued it.</param>
/// <param name="From">Its own sender, or null for the configured one.</param>
/// <param name="To">Recipients.</param>
/// <param name="Cc">Copy recipients.</param>
/// <param name="Bcc">Blind copy recipients.</param>
/// <param name="Subject">The subject.</param>
/// <param name="TextBody">The plain-text part.</param>
/// <param name="HtmlBody">The HTML part.</param>
/// <param name="Headers">Extra headers.</param>
/// <param name="Attachments">The attached files (name, type, size; not their content).</param>
/// <param name="Attempts">Delivery attempts so far.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="NotBefore">Its scheduled time, if any.</param>
/// <param name="NextAttemptAt">When a Pending message is tried next.</param>
/// <param name="SentAt">When it was sent.</param>
/// <param name="LastError">The last failure (or, on a Sent message, the recipients refused).</param>
/// <param name="Version">The row version.</param>
public sealed record OutboxMessageView(
    string Id,
    string MessageId,
    string? IdempotencyKey,
    OutboxStatus Status,
    string? Kind,
    string? CorrelationKey,
    string? InstanceId,
    string? ActivityId,
    MailRecipient? From,
    IReadOnlyList<MailRecipient> To,
    IReadOnlyList<MailRecipient> Cc,
    IReadOnlyList<MailRecipient> Bcc,
    string Subject,
    string? TextBody,
    string? HtmlBody,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyList<OutboxAttachmentView> Attachments,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NotBefore,
    DateTimeOffset NextAttemptAt,
    DateTimeOffset? SentAt,
    string? LastError,
    long Version)
{
    /// <summary>The view of an entry.</summary>
    public static OutboxMessageView Of(OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var m = entry.Message;
        return new(
            m.Id,
            m.MessageId ?? OutboxIds.MessageIdFor(m.Id),
            m.IdempotencyKey,
            entry.Status,
            m.Kind,
            m.CorrelationKey,
            m.InstanceId,
            m.ActivityId,
            m.From,
            m.To,
            m.Cc,
            m.Bcc,
            m.Subject,
            m.TextBody,
            m.HtmlBody,
            m.Headers,
            [.. m.Attachments.Select(a => new OutboxAttachmentView(a.FileName, a.ContentType, a.Content.Length))],
            entry.Attempts,
            entry.CreatedAt,
            m.NotBefore,
            entry.NextAttemptAt,
            entry.SentAt,
            entry.LastError,
            entry.Version);
    }
}

/// <summary>An attached file, without its content.</summary>
/// <param name="FileName">The file name.</param>
/// <param name="ContentType">The MIME type, e.g. text/calendar; method=REQUEST.</param>
/// <param name="Size">Its size in bytes.</param>
public sealed record OutboxAttachmentView(string FileName, string ContentType, int Size);

/// <summary>A page of delivery failures.</summary>
/// <param name="Items">The failures, newest first.</param>
/// <param name="Total">How many match in all.</param>
/// <param name="Skip">Skipped.</param>
/// <param name="Take">Asked for.</param>
public sealed record DeliveryFailurePageView(IReadOnlyList<DeliveryFailure> Items, int Total, int Skip, int Take);

/// <summary>This node's mail sender.</summary>
/// <param name="Transport">Where it delivers (no credentials).</param>
/// <param name="LastSuccessAt">When a message last went out from this node.</param>
/// <param name="LastFailureAt">When an attempt last failed on this node.</param>
/// <param name="LastFailureKind">temporary or permanent, with the SMTP code.</param>
/// <param name="LastError">The full text of that failure.</param>
/// <param name="SentCount">Messages sent since the node started.</param>
/// <param name="RetriedCount">Attempts that failed temporarily since the node started.</param>
/// <param name="FailedCount">Messages failed for good since the node started.</param>
public sealed record MailSenderView(
    string Transport,
    DateTimeOffset? LastSuccessAt,
    DateTimeOffset? LastFailureAt,
    string? LastFailureKind,
    string? LastError,
    long SentCount,
    long RetriedCount,
    long FailedCount)
{
    /// <summary>The view of a snapshot.</summary>
    public static MailSenderView Of(MailDeliverySnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Transport, s.LastSuccessAt, s.LastFailureAt, s.LastFailureKind, s.LastError, s.SentCount, s.RetriedCount, s.FailedCount);
    }
}
