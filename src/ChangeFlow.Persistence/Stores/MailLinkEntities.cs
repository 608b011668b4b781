using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>A row of <c>mail_link_keys</c>: a secret that signs approve-by-e-mail links, shared by every node.</summary>
public sealed class MailLinkKeyEntity
{
    public required string Id { get; set; }

    /// <summary>The HMAC-SHA256 key (32 random bytes).</summary>
    public required byte[] Secret { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A row of <c>mail_link_redemptions</c>: a link that was used, written with the completion it caused.</summary>
public sealed class MailLinkRedemptionEntity
{
    /// <summary>The link's token id; the key, so a link is used at most once.</summary>
    public required string TokenId { get; set; }

    public required string TaskId { get; set; }

    public required string UserId { get; set; }

    /// <summary><c>Approve</c> or <c>Reject</c>.</summary>
    public required string Action { get; set; }

    /// <summary>The request that used the link.</summary>
    public required string AttemptId { get; set; }

    public DateTime RedeemedAt { get; set; }
}

/// <summary>The <c>mail_link_keys</c> and <c>mail_link_redemptions</c> tables.</summary>
internal sealed class MailLinkEntityConfiguration : IEntityTypeConfiguration<MailLinkKeyEntity>, IEntityTypeConfiguration<MailLinkRedemptionEntity>
{
    public void Configure(EntityTypeBuilder<MailLinkKeyEntity> builder)
    {
        builder.ToTable("mail_link_keys");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(32);
        builder.Property(x => x.Secret).HasMaxLength(64);
    }

    public void Configure(EntityTypeBuilder<MailLinkRedemptionEntity> builder)
    {
        builder.ToTable("mail_link_redemptions");
        builder.HasKey(x => x.TokenId);
        builder.Property(x => x.TokenId).HasMaxLength(32);
        builder.Property(x => x.TaskId).HasMaxLength(64);
        builder.Property(x => x.UserId).HasMaxLength(200);
        builder.Property(x => x.Action).HasMaxLength(16);
        builder.Property(x => x.AttemptId).HasMaxLength(64);
        builder.HasIndex(x => x.TaskId);
    }
}
