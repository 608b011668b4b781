using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>A row of <c>mail_delivery_failures</c>: a message that failed, or that some recipients refused.</summary>
public sealed class DeliveryFailureEntity
{
    public required string Id { get; set; }

    public required string OutboxId { get; set; }

    public required string MessageId { get; set; }

    public string? CorrelationKey { get; set; }

    public string? Kind { get; set; }

    public required string Subject { get; set; }

    public DateTime At { get; set; }

    public required string Reason { get; set; }

    /// <summary>The refused recipients as a JSON array of {address, code, reply}.</summary>
    public required string Refused { get; set; }

    public int Attempts { get; set; }

    public bool MessageFailed { get; set; }
}

/// <summary>The <c>mail_delivery_failures</c> table.</summary>
internal sealed class DeliveryFailureEntityConfiguration : IEntityTypeConfiguration<DeliveryFailureEntity>
{
    public void Configure(EntityTypeBuilder<DeliveryFailureEntity> builder)
    {
        builder.ToTable("mail_delivery_failures");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(80);
        builder.Property(x => x.OutboxId).HasMaxLength(64);
        builder.Property(x => x.MessageId).HasMaxLength(255);
        builder.Property(x => x.CorrelationKey).HasMaxLength(128);
        builder.Property(x => x.Kind).HasMaxLength(64);
        builder.HasIndex(x => x.At);
        builder.HasIndex(x => x.OutboxId);
    }
}
