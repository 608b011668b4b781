using System.Security.Cryptography;
using System.Text;
using ChangeFlow.Application.Calendar;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Common;
using ChangeFlow.Domain.Communication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChangeFlow.Application.Notifications;

/// <summary>The names of the built-in notice templates.</summary>
public static class NoticeTemplates
{
    /// <summary>A maintenance notice: the window, what is affected, the rollback safety net; carries the window invite.</summary>
    public const string MaintenanceNotice = "maintenance-notice";

    /// <summary>A change on a CAB meeting's agenda.</summary>
    public const string CabAgenda = "cab-agenda";

    /// <summary>The work is being rolled back.</summary>
    public const string RollbackNotice = "rollback-notice";

    /// <summary>The change succeeded.</summary>
    public const string OutcomeSuccessful = "outcome-successful";

    /// <summary>The change was rolled back (or failed).</summary>
    public const string OutcomeRolledBack = "outcome-rolled-back";

    /// <summary>The change was cancelled; carries the CANCEL of the window invite.</summary>
    public const string ChangeCancelled = "change-cancelled";

    /// <summary>An invitation to the post-implementation review; carries the review's invite.</summary>
    public const string PirInvitation = "pir-invitation";

    /// <summary>An administrator's notice of a message that could not be delivered.</summary>
    public const string DeliveryFailure = "delivery-failure";

    /// <summary>Every built-in template this feature ships, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [MaintenanceNotice, CabAgenda, RollbackNotice, OutcomeSuccessful, OutcomeRolledBack, ChangeCancelled, PirInvitation, DeliveryFailure];
}

/// <summary>A line for the change's timeline about its notices.</summary>
/// <param name="Action">The timeline action, e.g. <c>notices.scheduled</c>.</param>
/// <param name="Summary">What happened, for people.</param>
public sealed record NoticeLog(string Action, string Summary);

/// <summary>
/// What scheduling produced: the writes to commit with the step that caused it (cancellations first, then the new
/// messages), the change's next <see cref="NoticeState"/>, and timeline lines.
/// </summary>
/// <param name="Writes">Outbox cancellations and messages, in the order to apply them.</param>
/// <param name="State">The change's notice state after these writes.</param>
/// <param name="Log">What to add to the change's timeline.</param>
public sealed record NoticeBatch(IReadOnlyList<IRunWrite> Writes, NoticeState State, IReadOnlyList<NoticeLog> Log)
{
    /// <summary>The messages queued.</summary>
    public IEnumerable<OutboundMessage> Messages => Writes.OfType<OutboxWrite>().Select(w => w.Message);
}

/// <summary>A notice a workflow sends on its own (the <c>ChangeFlow.Notify</c> activity).</summary>
public sealed record NotifyRequest
{
    /// <summary>The template.</summary>
    public required string Template { get; init; }

    /// <summary>Who it goes to, as audience specs.</summary>
    public required IReadOnlyList<string> Audience { get; init; }

    /// <summary>Not sent before this instant; now when null.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>The calendar invite to attach.</summary>
    public NoticeInvite Invite { get; init; }

    /// <summary>What the notice says beyond the template (<c>notice.message</c>).</summary>
    public string? Message { get; init; }

    /// <summary>What makes this sending unique (the instance, the activity and its execution), for idempotency keys.</summary>
    public required string Key { get; init; }

    /// <summary>The instance that sends it.</summary>
    public string? InstanceId { get; init; }

    /// <summary>The activity that sends it.</summary>
    public string? ActivityId { get; init; }
}

/// <summary>
/// Turns a change's communication plan into outbox messages, one per recipient in their own zone and culture:
/// <list type="bullet">
/// <item><see cref="ScheduleAsync"/> when the change is scheduled, and again when its plan is edited or its window
/// moves: the pending notices of the previous revision are cancelled and every row is queued for its time
/// (<c>NotBefore</c>), except for the people a row already reached; when the window moved those get an update now,
/// with the calendar entry's SEQUENCE raised.</item>
/// <item><see cref="OutcomeAsync"/> when the outcome is recorded: the rows sent "on outcome", with the template of
/// that outcome.</item>
/// <item><see cref="CancelAsync"/> when the change is cancelled: every pending message of the change is withdrawn and
/// everyone already told gets a cancellation with the CANCEL of the calendar entry.</item>
/// </list>
/// Nothing is written here: callers commit <see cref="NoticeBatch.Writes"/> and the new state in the same transaction
/// as the step that caused them. Idempotency keys are per (change, row, recipient, schedule revision), so a retried
/// step queues nothing twice. A problem with one row (an empty list, a missing attachment, a template that fails) is
/// a timeline line, never a failed step: the change's lifecycle does not wait on its mail.
/// </summary>
public sealed partial class NoticeScheduler
{
    /// <summary>The header naming the change.</summary>
    public const string ChangeHeader = "X-ChangeFlow-Change";

    /// <summary>The header naming the plan row (or <c>cancel</c>, <c>notify</c>) a message comes from.</summary>
    public const string NoticeHeader = "X-ChangeFlow-Notice";

    /// <summary>The header naming the schedule revision of a plan notice.</summary>
    public const string RevisionHeader = "X-ChangeFlow-Schedule-Revision";

    private const string CancelRow = "cancel";
    private const string NotifyRow = "notify";
    private const int HistoryPage = 500;

    private readonly IMessageTemplates _templates;
    private readonly AudienceResolver _audiences;
    private readonly NoticeFactsLoader _facts;
    private readonly IOutbox _outbox;
    private readonly NoticeOptions _options;
    private readonly INoticeAttachments? _attachments;
    private readonly ILogger _logger;

    /// <summary>Creates the scheduler.</summary>
    public NoticeScheduler(
        IMessageTemplates templates,
        AudienceResolver audiences,
        NoticeFactsLoader facts,
        IOutbox outbox,
        NoticeOptions options,
        INoticeAttachments? attachments = null,
        ILogger<NoticeScheduler>? logger = null)
    {
        _templates = templates;
        _audiences = audiences;
        _facts = facts;
        _outbox = outbox;
        _options = options;
        _attachments = attachments;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The templates notices are rendered with.</summary>
    public IMessageTemplates Templates => _templates;

    /// <summary>The correlation key of a change's messages.</summary>
    public static string CorrelationKey(string number) => "change:" + number;

    /// <summary>
    /// Checks a communication plan beyond the dossier's own rules: recipient specs name existing lists, services,
    /// boards and users; templates exist; with <paramref name="requireAttachments"/>, attached files exist.
    /// </summary>
    public async Task<IReadOnlyList<DomainError>> ValidatePlanAsync(IReadOnlyList<CommunicationItem> plan, string prefix, bool requireAttachments, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var errors = new List<DomainError>(await _audiences.ValidateAsync(plan, prefix, cancellationToken));
        var names = _templates.Names;
        for (var i = 0; i < plan.Count; i++)
        {
            var row = plan[i];
            if (row.Template is { } template && !names.Contains(template))
            {
                errors.Add(new DomainError($"{prefix}communicationPlan[{i}].template", ErrorCodes.Unknown, $"No template '{template}'; known: {string.Join(", ", names)}."));
            }

            var attachments = row.Attachments ?? [];
            for (var a = 0; a < attachments.Count && requireAttachments; a++)
            {
                if (_attachments is null || await _attachments.FindAsync(attachments[a], cancellationToken) is null)
                {
                    errors.Add(new DomainError(
                        $"{prefix}communicationPlan[{i}].attachments[{a}]",
                        ErrorCodes.Unknown,
                        $"No file '{attachments[a]}' in the attachments folder of the data directory (at most {DirectoryNoticeAttachments.MaxBytes / (1024 * 1024)} MB)."));
                }
            }
        }

        return errors;
    }

    /// <summary>
    /// Queues (or requeues) the plan's timed rows of <paramref name="record"/> as a new schedule revision; see the type.
    /// </summary>
    public async Task<NoticeBatch> ScheduleAsync(ChangeRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var change = record.Change;
        var previous = record.Notices;
        if (change.Window is not { IsValid: true } window)
        {
            return new NoticeBatch([], previous, [new NoticeLog("notices.skipped", "No notices: the change has no valid window.")]);
        }

        var key = CorrelationKey(record.Number);
        var history = await HistoryAsync(key, cancellationToken);
        var told = history.Where(e => e.Status == OutboxStatus.Sent && RowOf(e) is not null)
            .Select(e => (RowOf(e)!, AddressOf(e))).ToHashSet();
        var writes = new List<IRunWrite>();
        foreach (var kind in history.Where(e => e.Status == OutboxStatus.Pending && RowOf(e) is { } row && row is not (CancelRow or NotifyRow) && !IsOutcomeKey(e))
            .Select(e => e.Message.Kind).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            writes.Add(new OutboxCancelWrite(key, kind));
        }

        var revision = previous.Revision + 1;
        var moved = previous.Revision > 0 && (previous.WindowStart != window.Start || previous.WindowEnd != window.End);
        var sequence = moved ? previous.Sequence + 1 : previous.Sequence;
        var before = moved && previous.WindowStart is { } s && previous.WindowEnd is { } e2 ? new ChangeWindow(s, e2, window.TimeZoneId) : null;
        var facts = await _facts.LoadAsync(record, cancellationToken);
        var log = new List<NoticeLog>();
        if (writes.Count > 0)
        {
            log.Add(new NoticeLog("notices.withdrawn", $"Pending notices of schedule revision {previous.Revision} withdrawn; revision {revision} replaces them."));
        }

        var plan = change.CommunicationPlan;
        for (var i = 0; i < plan.Count; i++)
        {
            var row = plan[i];
            if (row.When is null or NotificationTiming.OnOutcome)
            {
                continue;
            }

            var rowId = row.Id ?? CommunicationItem.DefaultId(i);
            if (!NoticeChannels.IsSent(row) || (row.Recipients ?? []).Count == 0)
            {
                // Said in the timeline so nobody assumes ChangeFlow took care of it.
                log.Add(new NoticeLog("notices.manual", NoticeChannels.IsSent(row)
                    ? $"{rowId} ({row.Audience}) names no recipients: ChangeFlow does not send it."
                    : $"{rowId} ({row.Audience}) goes by {string.Join(", ", row.Channels)}: ChangeFlow does not send it."));
                continue;
            }

            var due = DueOf(row.When, window);
            var template = row.Template ?? NoticeTemplates.MaintenanceNotice;
            var audience = await _audiences.ResolveAsync(row.Recipients!, record, [.. plan.Where(r => !ReferenceEquals(r, row))], cancellationToken);
            log.AddRange(audience.Problems.Select(p => new NoticeLog("notices.audience", $"{rowId}: {p}")));
            var files = await AttachmentsAsync(row, rowId, log, cancellationToken);
            var (queued, updates, unchanged) = (0, 0, 0);
            try
            {
                foreach (var recipient in audience.Recipients)
                {
                    var already = told.Contains((rowId, recipient.Key));
                    if (already && !moved)
                    {
                        unchanged++;
                        continue;
                    }

                    var details = new NoticeDetails
                    {
                        Template = template,
                        Message = row.Message,
                        Audience = row.Audience,
                        RowId = rowId,
                        Reason = already ? "updated" : "scheduled",
                        PreviousWindow = already ? before : null,
                        Attachments = [.. files.Select(f => f.FileName)],
                        Invite = template == NoticeTemplates.MaintenanceNotice,
                    };
                    var message = await ComposeAsync(
                        record, recipient, facts, details, now,
                        idempotencyKey: Key(record.Number, rowId, already ? $"r{revision}u" : $"r{revision}", recipient),
                        notBefore: already ? now : due,
                        invite: details.Invite ? NoticeInvite.Window : NoticeInvite.None,
                        method: CalendarMethod.Request,
                        sequence: sequence,
                        files: files,
                        headers: (rowId, revision),
                        cancellationToken);
                    writes.Add(new OutboxWrite(message, now));
                    if (already)
                    {
                        updates++;
                    }
                    else
                    {
                        queued++;
                    }
                }
            }
            catch (TemplateException ex)
            {
                log.Add(new NoticeLog("notices.failed", $"{rowId}: not sent, the template fails: {ex.Message}"));
                LogTemplateFailed(_logger, record.Number, rowId, ex.Message);
                continue;
            }

            var site = window.Calendar;
            var at = $"{TemplateFilters.FormatLocal(due, site, "en", "ddd d MMM yyyy HH:mm")} {site.Id}";
            var summary = $"{rowId} ({row.Audience}): {Count(queued, template)} queued for {at}{(due < now ? " (late: sent at once)" : string.Empty)}"
                + (updates > 0 ? $"; {updates} already told get the new window now" : string.Empty)
                + (unchanged > 0 ? $"; {unchanged} already told" : string.Empty) + ".";
            log.Add(new NoticeLog("notices.scheduled", summary));
        }

        var state = previous with
        {
            Revision = revision,
            Sequence = sequence,
            WindowStart = window.Start,
            WindowEnd = window.End,
            ScheduledAt = now,
        };
        return new NoticeBatch(writes, state, log);
    }

    /// <summary>Queues the plan's "on outcome" rows once the outcome of <paramref name="record"/> is recorded.</summary>
    public async Task<NoticeBatch> OutcomeAsync(ChangeRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var change = record.Change;
        var previous = record.Notices;
        if (change.Outcome is not { } outcome || previous.OutcomeAt is not null)
        {
            return new NoticeBatch([], previous, []);
        }

        var writes = new List<IRunWrite>();
        var log = new List<NoticeLog>();
        var facts = await _facts.LoadAsync(record, cancellationToken);
        var plan = change.CommunicationPlan;
        for (var i = 0; i < plan.Count; i++)
        {
            var row = plan[i];
            if (!NoticeChannels.IsSent(row) || row.When is not NotificationTiming.OnOutcome || (row.Recipients ?? []).Count == 0)
            {
                continue;
            }

            var rowId = row.Id ?? CommunicationItem.DefaultId(i);
            var template = row.Template
                ?? (outcome is ChangeOutcome.Successful or ChangeOutcome.SuccessfulWithDeviations ? NoticeTemplates.OutcomeSuccessful : NoticeTemplates.OutcomeRolledBack);
            var audience = await _audiences.ResolveAsync(row.Recipients!, record, [.. plan.Where(r => !ReferenceEquals(r, row))], cancellationToken);
            log.AddRange(audience.Problems.Select(p => new NoticeLog("notices.audience", $"{rowId}: {p}")));
            var files = await AttachmentsAsync(row, rowId, log, cancellationToken);
            var queued = 0;
            try
            {
                foreach (var recipient in audience.Recipients)
                {
                    var details = new NoticeDetails
                    {
                        Template = template,
                        Message = row.Message,
                        Audience = row.Audience,
                        RowId = rowId,
                        Reason = "outcome",
                        Attachments = [.. files.Select(f => f.FileName)],
                    };
                    writes.Add(new OutboxWrite(
                        await ComposeAsync(record, recipient, facts, details, now, Key(record.Number, rowId, "outcome", recipient), null, NoticeInvite.None, CalendarMethod.Request, 0, files, (rowId, previous.Revision), cancellationToken),
                        now));
                    queued++;
                }
            }
            catch (TemplateException ex)
            {
                log.Add(new NoticeLog("notices.failed", $"{rowId}: not sent, the template fails: {ex.Message}"));
                LogTemplateFailed(_logger, record.Number, rowId, ex.Message);
                continue;
            }

            var deadline = change.Window is { IsValid: true } window ? row.When.Resolve(window).Latest : (DateTimeOffset?)null;
            log.Add(new NoticeLog(
                "notices.outcome",
                $"{rowId} ({row.Audience}): {Count(queued, template)} queued ({outcome})"
                + (deadline is { } d && now > d ? $", {(now - d).TotalMinutes:0} min after the plan's deadline" : string.Empty) + "."));
        }

        return new NoticeBatch(writes, previous with { OutcomeAt = now }, log);
    }

    /// <summary>
    /// Withdraws every pending message of <paramref name="record"/> and tells everyone already notified that the
    /// change is cancelled, cancelling the calendar entry they hold.
    /// </summary>
    public async Task<NoticeBatch> CancelAsync(ChangeRecord record, string? reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var previous = record.Notices;
        if (previous.CanceledAt is not null)
        {
            return new NoticeBatch([], previous, []);
        }

        var key = CorrelationKey(record.Number);
        var writes = new List<IRunWrite> { new OutboxCancelWrite(key) };
        var history = await HistoryAsync(key, cancellationToken);
        var withdrawn = history.Count(e => e.Status == OutboxStatus.Pending);
        var told = history
            .Where(e => e.Status == OutboxStatus.Sent && RowOf(e) is not (null or CancelRow) && e.Message.To.Count > 0)
            .GroupBy(AddressOf, StringComparer.Ordinal)
            .Select(g => (Mail: g.First().Message.To[0], Invited: g.Any(e => e.Message.Kind == NoticeTemplates.MaintenanceNotice)))
            .ToList();
        var log = new List<NoticeLog>();
        if (withdrawn > 0)
        {
            log.Add(new NoticeLog("notices.withdrawn", $"{withdrawn} pending message(s) withdrawn: the change is cancelled."));
        }

        var sequence = previous.Sequence + 1;
        if (told.Count > 0)
        {
            var facts = await _facts.LoadAsync(record, cancellationToken);
            var known = await KnownRecipientsAsync(record, cancellationToken);
            try
            {
                foreach (var (mail, invited) in told)
                {
                    var recipient = known.GetValueOrDefault(mail.Address.Trim().ToLowerInvariant())
                        ?? new NoticeRecipient(mail.Address, mail.Name, _options.DefaultTimeZoneId ?? record.Change.Window?.TimeZoneId ?? "Etc/UTC", _options.DefaultCulture);
                    var details = new NoticeDetails { Template = NoticeTemplates.ChangeCancelled, Message = reason, Reason = "cancelled", Invite = invited };
                    writes.Add(new OutboxWrite(
                        await ComposeAsync(record, recipient, facts, details, now, Key(record.Number, CancelRow, "c", recipient), null, invited ? NoticeInvite.Window : NoticeInvite.None, CalendarMethod.Cancel, sequence, [], (CancelRow, previous.Revision), cancellationToken),
                        now));
                }
            }
            catch (TemplateException ex)
            {
                log.Add(new NoticeLog("notices.failed", $"Cancellation not sent, the template fails: {ex.Message}"));
                LogTemplateFailed(_logger, record.Number, CancelRow, ex.Message);
                writes.RemoveAll(w => w is OutboxWrite);
            }

            log.Add(new NoticeLog("notices.cancelled", $"{Count(writes.Count(w => w is OutboxWrite), NoticeTemplates.ChangeCancelled)} queued for everyone already told."));
        }

        return new NoticeBatch(writes, previous with { CanceledAt = now, Sequence = sequence }, log);
    }

    /// <summary>The messages of an ad hoc notice (<c>ChangeFlow.Notify</c>) and the change's next notice state.</summary>
    public async Task<NoticeBatch> NotifyAsync(ChangeRecord record, NotifyRequest request, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(request);
        var previous = record.Notices;
        var state = previous;
        var sequence = previous.Sequence;
        if (request.Invite == NoticeInvite.Pir && record.Change.PostImplementationReview is { } pir && pir.ScheduledAt != default)
        {
            // A review moved since the last invitation is a new revision of the same entry.
            sequence = previous.PirStart is null ? 0 : previous.PirStart == pir.ScheduledAt ? previous.PirSequence : previous.PirSequence + 1;
            state = previous with { PirSequence = sequence, PirStart = pir.ScheduledAt };
        }

        var facts = await _facts.LoadAsync(record, cancellationToken);
        var audience = await _audiences.ResolveAsync(request.Audience, record, null, cancellationToken);
        var log = audience.Problems.Select(p => new NoticeLog("notices.audience", $"{request.Template}: {p}")).ToList();
        var writes = new List<IRunWrite>();
        foreach (var recipient in audience.Recipients)
        {
            var details = new NoticeDetails { Template = request.Template, Message = request.Message, Reason = NotifyRow, Invite = request.Invite != NoticeInvite.None };
            var message = await ComposeAsync(
                record, recipient, facts, details, now, $"notify:{request.Key}:{Hash(recipient.Key)}", request.NotBefore, request.Invite, CalendarMethod.Request, sequence, [], (NotifyRow, previous.Revision), cancellationToken);
            writes.Add(new OutboxWrite(message with { InstanceId = request.InstanceId, ActivityId = request.ActivityId }, now));
        }

        log.Add(new NoticeLog("notices.sent", $"{Count(writes.Count, request.Template)} queued{(request.NotBefore is { } at && at > now ? $" for {at:yyyy-MM-dd HH:mm}Z" : string.Empty)}."));
        return new NoticeBatch(writes, state, log);
    }

    /// <summary>The model and rendering of <paramref name="template"/> for one recipient, as a preview (nothing is queued).</summary>
    public async Task<(RenderedMessage Message, IReadOnlyDictionary<string, object?> Model)> PreviewAsync(
        ChangeRecord record, string template, NoticeRecipient recipient, NoticeDetails? details, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var facts = await _facts.LoadAsync(record, cancellationToken);
        var model = NoticeModel.Build(record, recipient, facts, details ?? new NoticeDetails { Template = template, Reason = "preview" }, now);
        return (await _templates.RenderAsync(template, model, cancellationToken), model);
    }

    /// <summary>When a timed row goes out: its instant, or for a row that names a day, the configured hour of that day.</summary>
    public DateTimeOffset DueOf(NotificationTiming timing, ChangeWindow window)
    {
        ArgumentNullException.ThrowIfNull(timing);
        ArgumentNullException.ThrowIfNull(window);
        var due = timing.Resolve(window);
        if (timing is NotificationTiming.OnLocalDate day)
        {
            var at = window.Calendar.ToInstant(day.Date, _options.DayRowSendTime);
            return at < due.Earliest ? due.Earliest : at > due.Latest ? due.Latest : at;
        }

        return due.Earliest;
    }

    private async Task<OutboundMessage> ComposeAsync(
        ChangeRecord record,
        NoticeRecipient recipient,
        NoticeFacts facts,
        NoticeDetails details,
        DateTimeOffset now,
        string idempotencyKey,
        DateTimeOffset? notBefore,
        NoticeInvite invite,
        CalendarMethod method,
        int sequence,
        IReadOnlyList<MailAttachment> files,
        (string Row, int Revision) headers,
        CancellationToken cancellationToken)
    {
        var model = NoticeModel.Build(record, recipient, facts, details, now);
        var rendered = await _templates.RenderAsync(details.Template, model, cancellationToken);
        var attachments = new List<MailAttachment>(files);
        if (invite != NoticeInvite.None
            && NoticeInvites.Create(record, invite, method, sequence, recipient, facts, _options, now, details.Message) is { } calendar)
        {
            attachments.Add(calendar);
        }

        return new OutboundMessage
        {
            Id = Guid.CreateVersion7(now).ToString("N"),
            IdempotencyKey = idempotencyKey,
            To = [recipient.ToMail()],
            Subject = rendered.Subject,
            HtmlBody = rendered.HtmlBody,
            TextBody = rendered.TextBody,
            Attachments = attachments,
            Headers = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                // RFC 3834: an automatic message, so auto-responders do not answer it.
                ["Auto-Submitted"] = "auto-generated",
                [ChangeHeader] = record.Number,
                [NoticeHeader] = headers.Row,
                [RevisionHeader] = headers.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            NotBefore = notBefore,
            CorrelationKey = CorrelationKey(record.Number),
            Kind = details.Template,
        };
    }

    private async Task<List<MailAttachment>> AttachmentsAsync(CommunicationItem row, string rowId, List<NoticeLog> log, CancellationToken cancellationToken)
    {
        var files = new List<MailAttachment>();
        foreach (var name in row.Attachments ?? [])
        {
            if (_attachments is not null && await _attachments.FindAsync(name, cancellationToken) is { } file)
            {
                files.Add(file);
            }
            else
            {
                log.Add(new NoticeLog("notices.attachment-missing", $"{rowId}: '{name}' is not in the attachments folder; the notice goes without it."));
            }
        }

        return files;
    }

    /// <summary>Everyone the plan's rows reach, by address, for the zone and culture of people told earlier.</summary>
    private async Task<Dictionary<string, NoticeRecipient>> KnownRecipientsAsync(ChangeRecord record, CancellationToken cancellationToken)
    {
        var all = (record.Change.CommunicationPlan ?? []).SelectMany(r => r.Recipients ?? []).Distinct(StringComparer.Ordinal).ToList();
        var resolved = await _audiences.ResolveAsync(all, record, null, cancellationToken);
        return resolved.Recipients.ToDictionary(r => r.Key, StringComparer.Ordinal);
    }

    private async Task<List<OutboxEntry>> HistoryAsync(string correlationKey, CancellationToken cancellationToken)
    {
        var all = new List<OutboxEntry>();
        for (var skip = 0; ; skip += HistoryPage)
        {
            var page = await _outbox.ListAsync(new OutboxQuery(CorrelationKey: correlationKey), skip, HistoryPage, cancellationToken);
            all.AddRange(page.Items);
            if (page.Items.Count < HistoryPage)
            {
                return all;
            }
        }
    }

    private static string? RowOf(OutboxEntry entry) => entry.Message.Headers.GetValueOrDefault(NoticeHeader);

    private static bool IsOutcomeKey(OutboxEntry entry) => entry.Message.IdempotencyKey?.Contains(":outcome:", StringComparison.Ordinal) == true;

    private static string AddressOf(OutboxEntry entry) => entry.Message.To.Count > 0 ? entry.Message.To[0].Address.Trim().ToLowerInvariant() : string.Empty;

    /// <summary><c>notice:&lt;number&gt;:&lt;row&gt;:&lt;tag&gt;:&lt;recipient hash&gt;</c>: short, and without the address (keys are logged and indexed).</summary>
    private static string Key(string number, string row, string tag, NoticeRecipient recipient) => $"notice:{number}:{row}:{tag}:{Hash(recipient.Key)}";

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private static string Count(int n, string template) => $"{n} {template} message{(n == 1 ? string.Empty : "s")}";

    [LoggerMessage(Level = LogLevel.Error, Message = "Notices of {Change} row {Row} not sent: {Problem}")]
    private static partial void LogTemplateFailed(ILogger logger, string change, string row, string problem);
}
