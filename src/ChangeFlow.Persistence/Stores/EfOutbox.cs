using System.Text.Json;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>The outbox in <c>outbox_messages</c> / <c>outbox_attachments</c>.</summary>
public sealed class EfOutbox : IOutbox
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly IDbContextFactory<ChangeFlowDbContext> _factory;
    private readonly TimeProvider _time;
    private readonly IOutboxSignal? _signal;

    /// <param name="factory">The database.</param>
    /// <param name="time">The clock of queued messages.</param>
    /// <param name="signal">Told when a message was queued, so that this node sends it without waiting for a poll.</param>
    public EfOutbox(IDbContextFactory<ChangeFlowDbContext> factory, TimeProvider time, IOutboxSignal? signal = null)
    {
        _factory = factory;
        _time = time;
        _signal = signal;
    }

    /// <inheritdoc />
    public async Task<bool> EnqueueAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        if (message.IdempotencyKey is { } key && await db.Outbox.AnyAsync(m => m.IdempotencyKey == key, cancellationToken))
        {
            return false;
        }

        db.Outbox.Add(ToEntity(message, _time.GetUtcNow()));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            _signal?.MessagesQueued();
            return true;
        }
        catch (DbUpdateException ex) when (message.IdempotencyKey is not null && !StorageFailure.IsUnavailable(ex))
        {
            // Another node may have queued the same key between the check and the insert: the unique index kept one copy.
            if (await KeyTakenAsync(message.IdempotencyKey, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async Task<int> CancelPendingAsync(string correlationKey, string? kindPrefix, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(correlationKey);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        return await CancelAsync(db, correlationKey, kindPrefix, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<OutboxEntry?> FindAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Outbox.AsNoTracking().Include(m => m.Attachments).FirstOrDefaultAsync(m => m.Id == id, cancellationToken);
        return row is null ? null : FromEntity(row);
    }

    /// <inheritdoc />
    public async Task<Page<OutboxEntry>> ListAsync(OutboxQuery query, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Outbox.AsNoTracking();
        if (query.Status is { } status)
        {
            var name = status.ToString();
            rows = rows.Where(m => m.Status == name);
        }

        if (query.CorrelationKey is { } correlation)
        {
            rows = rows.Where(m => m.CorrelationKey == correlation);
        }

        if (query.Kind is { } kind)
        {
            rows = rows.Where(m => m.Kind == kind);
        }

        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.Include(m => m.Attachments).OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id)
            .Skip(Math.Max(0, skip)).Take(Math.Max(0, take)).AsSplitQuery().ToListAsync(cancellationToken);
        return new Page<OutboxEntry>([.. items.Select(FromEntity)], total, skip, take);
    }

    /// <summary>Cancels pending rows of a correlation key, saved and tracked ones alike, on <paramref name="db"/>'s transaction.</summary>
    internal static async Task<int> CancelAsync(ChangeFlowDbContext db, string correlationKey, string? kindPrefix, CancellationToken cancellationToken)
    {
        var pending = OutboxStatus.Pending.ToString();
        var canceled = OutboxStatus.Canceled.ToString();
        var count = 0;
        foreach (var entry in db.ChangeTracker.Entries<OutboxMessageEntity>().Where(e => e.State == EntityState.Added))
        {
            var row = entry.Entity;
            if (row.Status == pending && row.CorrelationKey == correlationKey && Matches(row.Kind, kindPrefix))
            {
                row.Status = canceled;
                count++;
            }
        }

        var rows = db.Outbox.Where(m => m.Status == pending && m.CorrelationKey == correlationKey);
        if (kindPrefix is not null)
        {
            rows = rows.Where(m => m.Kind != null && m.Kind.StartsWith(kindPrefix));
        }

        count += await rows.ExecuteUpdateAsync(
            s => s.SetProperty(m => m.Status, canceled).SetProperty(m => m.Version, m => m.Version + 1),
            cancellationToken);
        return count;
    }

    /// <summary>The row for a new message queued at <paramref name="queuedAt"/>.</summary>
    internal static OutboxMessageEntity ToEntity(OutboundMessage message, DateTimeOffset queuedAt)
    {
        var notBefore = message.NotBefore is { } at && at > queuedAt ? at : queuedAt;
        return new OutboxMessageEntity
        {
            Id = message.Id,
            MessageId = string.IsNullOrWhiteSpace(message.MessageId) ? OutboxIds.MessageIdFor(message.Id) : message.MessageId.Trim('<', '>', ' '),
            IdempotencyKey = message.IdempotencyKey,
            InstanceId = message.InstanceId,
            ActivityId = message.ActivityId,
            CorrelationKey = message.CorrelationKey,
            Kind = message.Kind,
            From = message.From is null ? null : JsonSerializer.Serialize(message.From, Json),
            To = JsonSerializer.Serialize(message.To, Json),
            Cc = JsonSerializer.Serialize(message.Cc, Json),
            Bcc = JsonSerializer.Serialize(message.Bcc, Json),
            Headers = message.Headers.Count == 0 ? null : JsonSerializer.Serialize(message.Headers, Json),
            Subject = message.Subject,
            HtmlBody = message.HtmlBody,
            TextBody = message.TextBody,
            Status = OutboxStatus.Pending.ToString(),
            CreatedAt = Instants.ToUtc(queuedAt),
            NotBefore = Instants.ToUtc(message.NotBefore),
            NextAttemptAt = Instants.ToUtc(notBefore),
            Attachments = [.. message.Attachments.Select((a, i) => new OutboxAttachmentEntity
            {
                MessageRowId = message.Id,
                Ordinal = i,
                FileName = a.FileName,
                ContentType = a.ContentType,
                Content = a.Content,
            })],
        };
    }

    /// <summary>The outbox form of an e-mail an <c>Elsa.SendEmail</c> activity produced.</summary>
    internal static OutboundMessage FromEmail(Engine.Ports.EmailMessage email, string id)
    {
        var looksLikeHtml = email.Body.TrimStart().StartsWith('<');
        return new OutboundMessage
        {
            Id = id,
            InstanceId = email.InstanceId,
            ActivityId = email.ActivityId,
            CorrelationKey = $"instance:{email.InstanceId}",
            Kind = "send-email",
            From = string.IsNullOrWhiteSpace(email.From) ? null : new MailRecipient(email.From),
            To = [.. email.To.Select(a => new MailRecipient(a))],
            Cc = [.. email.Cc.Select(a => new MailRecipient(a))],
            Bcc = [.. email.Bcc.Select(a => new MailRecipient(a))],
            Subject = email.Subject,
            HtmlBody = looksLikeHtml ? email.Body : null,
            TextBody = looksLikeHtml ? null : email.Body,
        };
    }

    /// <summary>The entry a row holds (attachments only when they were loaded).</summary>
    internal static OutboxEntry FromEntity(OutboxMessageEntity row)
    {
        var message = new OutboundMessage
        {
            Id = row.Id,
            MessageId = row.MessageId,
            IdempotencyKey = row.IdempotencyKey,
            InstanceId = row.InstanceId,
            ActivityId = row.ActivityId,
            CorrelationKey = row.CorrelationKey,
            Kind = row.Kind,
            From = row.From is null ? null : JsonSerializer.Deserialize<MailRecipient>(row.From, Json),
            To = Recipients(row.To),
            Cc = Recipients(row.Cc),
            Bcc = Recipients(row.Bcc),
            Headers = row.Headers is null ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers, Json) ?? [],
            Subject = row.Subject,
            HtmlBody = row.HtmlBody,
            TextBody = row.TextBody,
            NotBefore = Instants.FromUtc(row.NotBefore),
            Attachments = [.. row.Attachments.OrderBy(a => a.Ordinal).Select(a => new MailAttachment(a.FileName, a.ContentType, a.Content))],
        };
        return new OutboxEntry(
            message,
            Enum.Parse<OutboxStatus>(row.Status),
            row.Attempts,
            Instants.FromUtc(row.CreatedAt),
            Instants.FromUtc(row.NextAttemptAt),
            Instants.FromUtc(row.SentAt),
            row.LastError,
            row.Version);
    }

    private static List<MailRecipient> Recipients(string json) =>
        JsonSerializer.Deserialize<List<MailRecipient>>(json, Json) ?? [];

    private static bool Matches(string? kind, string? prefix) =>
        prefix is null || (kind is not null && kind.StartsWith(prefix, StringComparison.Ordinal));

    private async Task<bool> KeyTakenAsync(string key, CancellationToken cancellationToken)
    {
        await using var db = await _factory.CreateDbContextAsync(cancellationToken);
        return await db.Outbox.AnyAsync(m => m.IdempotencyKey == key, cancellationToken);
    }
}

/// <summary>Queues a message with a run; a message whose idempotency key is already queued (or queued earlier in the run) is skipped.</summary>
public sealed class OutboxWriteHandler : RunWriteHandler<OutboxWrite>
{
    /// <inheritdoc />
    protected override async ValueTask ApplyAsync(ChangeFlowDbContext db, OutboxWrite write, CancellationToken cancellationToken)
    {
        if (write.Message.IdempotencyKey is { } key)
        {
            var queuedInRun = db.ChangeTracker.Entries<OutboxMessageEntity>()
                .Any(e => e.State == EntityState.Added && e.Entity.IdempotencyKey == key);
            if (queuedInRun || await db.Outbox.AnyAsync(m => m.IdempotencyKey == key, cancellationToken))
            {
                return;
            }
        }

        db.Outbox.Add(EfOutbox.ToEntity(write.Message, write.QueuedAt));
    }
}

/// <summary>Cancels pending messages with a run.</summary>
public sealed class OutboxCancelWriteHandler : RunWriteHandler<OutboxCancelWrite>
{
    /// <inheritdoc />
    protected override async ValueTask ApplyAsync(ChangeFlowDbContext db, OutboxCancelWrite write, CancellationToken cancellationToken) =>
        await EfOutbox.CancelAsync(db, write.CorrelationKey, write.KindPrefix, cancellationToken);
}
