using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChangeFlow.Application.Notifications;

/// <summary>
/// The default <see cref="IDeliveryFailureReporter"/>: records the problem (listed at <c>GET /api/outbox/failures</c>),
/// adds a timeline entry on the message's correlation (a change's own timeline for <c>change:RFC-...</c>), logs an
/// error, and queues a <c>delivery-failure</c> notice to the active administrators and
/// <see cref="FailureNoticeSettings.To"/>. A failed <c>delivery-failure</c> notice raises no notice of its own, so a
/// broken mail server cannot make notices about notices.
/// </summary>
public sealed partial class DeliveryFailureReporter : IDeliveryFailureReporter
{
    /// <summary>The template (and outbox kind) of the administrators' notice.</summary>
    public const string NoticeKind = "delivery-failure";

    /// <summary>The timeline action of a message that nobody got.</summary>
    public const string FailedAction = "mail.delivery-failed";

    /// <summary>The timeline action of a message some recipients did not get.</summary>
    public const string RefusedAction = "mail.recipients-refused";

    private readonly IDeliveryFailureStore _failures;
    private readonly IOutbox _outbox;
    private readonly ITimelineStore? _timeline;
    private readonly IUserDirectory? _users;
    private readonly IMessageTemplates? _templates;
    private readonly TimeProvider _time;
    private readonly MailOptions _options;
    private readonly ILogger<DeliveryFailureReporter> _logger;

    /// <param name="failures">Keeps the record.</param>
    /// <param name="outbox">Queues the administrators' notice.</param>
    /// <param name="time">The clock of the notice's row id.</param>
    /// <param name="options">Who else gets the notice, and whether anyone does.</param>
    /// <param name="logger">Logs the failure as an error.</param>
    /// <param name="timeline">Where the correlation's timeline entry goes, if the host has timelines.</param>
    /// <param name="users">Finds the administrators, if the host has users.</param>
    /// <param name="templates">Renders the notice; without it (or without the template) a built-in text is used.</param>
    public DeliveryFailureReporter(
        IDeliveryFailureStore failures,
        IOutbox outbox,
        TimeProvider time,
        IOptions<MailOptions> options,
        ILogger<DeliveryFailureReporter> logger,
        ITimelineStore? timeline = null,
        IUserDirectory? users = null,
        IMessageTemplates? templates = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _failures = failures;
        _outbox = outbox;
        _time = time;
        _options = options.Value;
        _logger = logger;
        _timeline = timeline;
        _users = users;
        _templates = templates;
    }

    /// <inheritdoc />
    public async Task ReportAsync(DeliveryFailure failure, OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(entry);
        if (failure.MessageFailed)
        {
            LogFailed(_logger, failure.OutboxId, failure.MessageId, failure.Kind ?? "", failure.Attempts, failure.Reason);
        }
        else
        {
            LogRefused(_logger, failure.OutboxId, failure.MessageId, string.Join("; ", failure.Refused));
        }

        try
        {
            if (!await _failures.AddAsync(failure, cancellationToken))
            {
                return;
            }

            await AddTimelineEntryAsync(failure, cancellationToken);
            await QueueNoticeAsync(failure, entry, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Reporting must not undo the delivery bookkeeping; the error log above stands.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogReportFailed(_logger, ex, failure.OutboxId);
        }
    }

    /// <summary>The subject of a timeline for a correlation key: the change number of <c>change:RFC-2026-014</c>, else the key itself.</summary>
    public static string? TimelineSubject(string? correlationKey) =>
        string.IsNullOrWhiteSpace(correlationKey) ? null
        : correlationKey.StartsWith("change:", StringComparison.Ordinal) ? correlationKey["change:".Length..]
        : correlationKey;

    /// <summary>The model the <c>delivery-failure</c> template is rendered with: <c>failure</c> and <c>message</c>.</summary>
    public static IReadOnlyDictionary<string, object?> NoticeModel(DeliveryFailure failure, OutboxEntry entry)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(entry);
        return new Dictionary<string, object?>
        {
            ["failure"] = new Dictionary<string, object?>
            {
                ["id"] = failure.Id,
                ["reason"] = failure.Reason,
                ["at"] = failure.At,
                ["attempts"] = failure.Attempts,
                ["messageFailed"] = failure.MessageFailed,
                ["refused"] = failure.Refused.Select(r => (object?)new Dictionary<string, object?>
                {
                    ["address"] = r.Address,
                    ["code"] = r.Code,
                    ["reply"] = r.Reply,
                }).ToList(),
            },
            ["message"] = new Dictionary<string, object?>
            {
                ["id"] = failure.OutboxId,
                ["messageId"] = failure.MessageId,
                ["subject"] = failure.Subject,
                ["kind"] = failure.Kind,
                ["correlationKey"] = failure.CorrelationKey,
                ["queuedAt"] = entry.CreatedAt,
                ["to"] = entry.Message.To.Concat(entry.Message.Cc).Concat(entry.Message.Bcc).Select(r => (object?)r.Address).ToList(),
            },
        };
    }

    private async Task AddTimelineEntryAsync(DeliveryFailure failure, CancellationToken cancellationToken)
    {
        if (_timeline is null || TimelineSubject(failure.CorrelationKey) is not { } subject)
        {
            return;
        }

        var summary = failure.MessageFailed
            ? $"The message \"{failure.Subject}\" could not be delivered: {failure.Reason}"
            : $"The message \"{failure.Subject}\" was not delivered to {string.Join(", ", failure.Refused.Select(r => r.Address))}: {failure.Reason}";
        var data = new JsonObject
        {
            ["outboxId"] = failure.OutboxId,
            ["messageId"] = failure.MessageId,
            ["kind"] = failure.Kind,
            ["attempts"] = failure.Attempts,
            ["refused"] = new JsonArray([.. failure.Refused.Select(r => (JsonNode)new JsonObject { ["address"] = r.Address, ["code"] = r.Code, ["reply"] = r.Reply })]),
        };
        await _timeline.AddAsync(
            new TimelineEntry(TimelineIds.Next(failure.At), subject, failure.At, "system", failure.MessageFailed ? FailedAction : RefusedAction, summary, Data: data),
            cancellationToken);
    }

    private async Task QueueNoticeAsync(DeliveryFailure failure, OutboxEntry entry, CancellationToken cancellationToken)
    {
        // A notice about a failed notice would fail the same way and ask for another one.
        if (!_options.FailureNotice.Enabled || string.Equals(entry.Message.Kind, NoticeKind, StringComparison.Ordinal))
        {
            return;
        }

        var to = new List<MailRecipient>();
        if (_users is not null)
        {
            to.AddRange((await _users.ListByRoleAsync(Roles.Admin, cancellationToken)).Select(u => new MailRecipient(u.Email, u.DisplayName)));
        }

        to.AddRange(_options.FailureNotice.To.Select(a => new MailRecipient(a)));
        to = [.. to.DistinctBy(r => r.Address, StringComparer.OrdinalIgnoreCase)];
        if (to.Count == 0)
        {
            return;
        }

        var rendered = await RenderAsync(failure, entry, cancellationToken);
        await _outbox.EnqueueAsync(
            new OutboundMessage
            {
                Id = OutboxIds.New(_time),
                IdempotencyKey = $"{NoticeKind}:{failure.Id}",
                To = to,
                Subject = rendered.Subject,
                HtmlBody = rendered.HtmlBody,
                TextBody = rendered.TextBody,
                Kind = NoticeKind,
                // Its own correlation, so that cancelling a change's pending notices never withdraws it.
                CorrelationKey = $"outbox:{failure.OutboxId}",
                Headers = new Dictionary<string, string> { ["References"] = $"<{failure.MessageId}>" },
            },
            cancellationToken);
    }

    private async Task<RenderedMessage> RenderAsync(DeliveryFailure failure, OutboxEntry entry, CancellationToken cancellationToken)
    {
        if (_templates is not null && _templates.Names.Contains(NoticeKind))
        {
            try
            {
                return await _templates.RenderAsync(NoticeKind, NoticeModel(failure, entry), cancellationToken);
            }
            catch (TemplateException ex)
            {
                LogTemplateFailed(_logger, ex, NoticeKind);
            }
        }

        return BuiltInNotice(failure);
    }

    /// <summary>The notice's text when no <c>delivery-failure</c> template is available.</summary>
    public static RenderedMessage BuiltInNotice(DeliveryFailure failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var subject = failure.MessageFailed
            ? $"Mail delivery failed: {failure.Subject}"
            : $"Mail not delivered to some recipients: {failure.Subject}";
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"ChangeFlow could not deliver a message{(failure.MessageFailed ? "" : " to some of its recipients")}.")
            .AppendLine()
            .AppendLine(inv, $"Subject:    {failure.Subject}")
            .AppendLine(inv, $"Message-ID: <{failure.MessageId}>")
            .AppendLine(inv, $"Outbox id:  {failure.OutboxId}")
            .AppendLine(inv, $"About:      {failure.CorrelationKey ?? "-"} ({failure.Kind ?? "-"})")
            .AppendLine(inv, $"Attempts:   {failure.Attempts}")
            .AppendLine(inv, $"When:       {failure.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")
            .AppendLine(inv, $"Reason:     {failure.Reason}");
        if (failure.Refused.Count > 0)
        {
            text.AppendLine().AppendLine("Refused recipients:");
            foreach (var refused in failure.Refused)
            {
                text.AppendLine(inv, $"  - {refused}");
            }
        }

        text.AppendLine().AppendLine(failure.MessageFailed
            ? "The message is marked Failed and is not retried by itself. Fix the cause, then retry it: POST /api/outbox/" + failure.OutboxId + "/retry"
            : "The other recipients got the message.");
        var plain = text.ToString();
        var html = "<pre style=\"font-family:monospace\">" + WebUtility.HtmlEncode(plain) + "</pre>";
        return new RenderedMessage(subject, html, plain);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Mail delivery failed for outbox message {OutboxId} (<{MessageId}>, {Kind}) after {Attempts} attempt(s): {Reason}")]
    private static partial void LogFailed(ILogger logger, string outboxId, string messageId, string kind, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox message {OutboxId} (<{MessageId}>) was refused for some recipients: {Refused}")]
    private static partial void LogRefused(ILogger logger, string outboxId, string messageId, string refused);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the delivery failure of outbox message {OutboxId} failed.")]
    private static partial void LogReportFailed(ILogger logger, Exception exception, string outboxId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Template} template failed; the built-in notice text is used.")]
    private static partial void LogTemplateFailed(ILogger logger, Exception exception, string template);
}
