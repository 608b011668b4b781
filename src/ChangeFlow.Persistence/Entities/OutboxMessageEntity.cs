using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Entities;

/// <summary>A row of <c>outbox_messages</c>: one message to deliver, with its delivery bookkeeping.</summary>
public sealed class OutboxMessageEntity
{
    public required string Id { get; set; }

    /// <summary>The RFC 5322 Message-ID (without angle brackets), the same on every attempt.</summary>
    public required string MessageId { get; set; }

    /// <summary>Unique when set: a second message with the same key is not queued.</summary>
    public string? IdempotencyKey { get; set; }

    public string? InstanceId { get; set; }

    public string? ActivityId { get; set; }

    /// <summary>What the message is about (e.g. <c>change:RFC-2026-014</c>), to find or cancel it.</summary>
    public string? CorrelationKey { get; set; }

    /// <summary>The kind of message, usually its template name.</summary>
    public string? Kind { get; set; }

    /// <summary>The sender as JSON (address + name), or null for the configured default.</summary>
    public string? From { get; set; }

    /// <summary>Recipients as a JSON array of {address, name}.</summary>
    public required string To { get; set; }

    public required string Cc { get; set; }

    public required string Bcc { get; set; }

    /// <summary>Extra headers as a JSON object.</summary>
    public string? Headers { get; set; }

    public required string Subject { get; set; }

    public string? HtmlBody { get; set; }

    public string? TextBody { get; set; }

    public required string Status { get; set; }

    public int Attempts { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>The scheduled time the message was queued with, if any.</summary>
    public DateTime? NotBefore { get; set; }

    /// <summary>When the message may next be tried (its scheduled time at first, then the back-off).</summary>
    public DateTime NextAttemptAt { get; set; }

    public DateTime? SentAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>The node sending it right now, if any.</summary>
    public string? ClaimedBy { get; set; }

    /// <summary>Until when that node's claim holds; after it another node may take the message over.</summary>
    public DateTime? ClaimedUntil { get; set; }

    public long Version { get; set; }

    public List<OutboxAttachmentEntity> Attachments { get; set; } = [];
}

/// <summary>A row of <c>outbox_attachments</c>: one file of an outbox message.</summary>
public sealed class OutboxAttachmentEntity
{
    public required string MessageRowId { get; set; }

    public int Ordinal { get; set; }

    public required string FileName { get; set; }

    public required string ContentType { get; set; }

    public required byte[] Content { get; set; }
}

/// <summary>The <c>outbox_messages</c> and <c>outbox_attachments</c> tables.</summary>
internal sealed class OutboxMessageEntityConfiguration : IEntityTypeConfiguration<OutboxMessageEntity>, IEntityTypeConfiguration<OutboxAttachmentEntity>
{
    public void Configure(EntityTypeBuilder<OutboxMessageEntity> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(64);
        builder.Property(x => x.MessageId).HasMaxLength(255);
        builder.Property(x => x.IdempotencyKey).HasMaxLength(200);
        builder.Property(x => x.InstanceId).HasMaxLength(64);
        builder.Property(x => x.CorrelationKey).HasMaxLength(128);
        builder.Property(x => x.Kind).HasMaxLength(64);
        builder.Property(x => x.Status).HasMaxLength(16);
        builder.Property(x => x.ClaimedBy).HasMaxLength(128);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasIndex(x => x.IdempotencyKey).IsUnique();
        builder.HasIndex(x => new { x.Status, x.NextAttemptAt });
        builder.HasIndex(x => new { x.CorrelationKey, x.Status });
        builder.HasIndex(x => x.CreatedAt);
        builder.HasMany(x => x.Attachments).WithOne().HasForeignKey(a => a.MessageRowId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<OutboxAttachmentEntity> builder)
    {
        builder.ToTable("outbox_attachments");
        builder.HasKey(x => new { x.MessageRowId, x.Ordinal });
        builder.Property(x => x.MessageRowId).HasMaxLength(64);
        builder.Property(x => x.FileName).HasMaxLength(255);
        builder.Property(x => x.ContentType).HasMaxLength(255);
    }
}
