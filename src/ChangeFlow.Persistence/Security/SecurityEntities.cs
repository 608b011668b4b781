using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Security;

/// <summary>A row of <c>users</c>.</summary>
public sealed class UserEntity
{
    public required string Id { get; set; }

    public required string Email { get; set; }

    /// <summary>The lower-case e-mail, unique: e-mails differing only in case are the same user.</summary>
    public required string NormalizedEmail { get; set; }

    public required string DisplayName { get; set; }

    public string? PasswordHash { get; set; }

    /// <summary>The roles as <c>|Admin|CabMember|</c>, so "holds a role" is one portable substring test.</summary>
    public required string Roles { get; set; }

    /// <summary>The groups in the same delimited form (slugs cannot contain the delimiter).</summary>
    public required string Groups { get; set; }

    public bool IsActive { get; set; }

    /// <summary>The IANA zone the user reads notices in, or null.</summary>
    public string? TimeZoneId { get; set; }

    /// <summary>The culture tag of the user's notices, or null.</summary>
    public string? Culture { get; set; }

    /// <summary>Changes when the user's sign-in cookies must stop working; empty for rows older than the column.</summary>
    public string SecurityStamp { get; set; } = string.Empty;

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>App-incremented concurrency token.</summary>
    public long Version { get; set; }
}

/// <summary>The <c>users</c> table.</summary>
internal sealed class UserEntityConfiguration : IEntityTypeConfiguration<UserEntity>
{
    public void Configure(EntityTypeBuilder<UserEntity> e)
    {
        e.ToTable("users");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.Email).HasMaxLength(254);
        e.Property(x => x.NormalizedEmail).HasMaxLength(254);
        e.Property(x => x.DisplayName).HasMaxLength(200);
        e.Property(x => x.PasswordHash).HasMaxLength(200);
        e.Property(x => x.Roles).HasMaxLength(200);
        e.Property(x => x.Groups).HasMaxLength(4000);
        e.Property(x => x.TimeZoneId).HasMaxLength(64);
        e.Property(x => x.Culture).HasMaxLength(16);
        e.Property(x => x.SecurityStamp).HasMaxLength(64).HasDefaultValue(string.Empty);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => x.NormalizedEmail).IsUnique();
    }
}

/// <summary>A row of <c>api_tokens</c>.</summary>
public sealed class ApiTokenEntity
{
    public required string Id { get; set; }

    public required string UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hexadecimal SHA-256 of the secret; the secret itself is never stored.</summary>
    public required string SecretHash { get; set; }

    public required string Prefix { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ExpiresAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

/// <summary>The <c>api_tokens</c> table.</summary>
internal sealed class ApiTokenEntityConfiguration : IEntityTypeConfiguration<ApiTokenEntity>
{
    public void Configure(EntityTypeBuilder<ApiTokenEntity> e)
    {
        e.ToTable("api_tokens");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.UserId).HasMaxLength(64);
        e.Property(x => x.Name).HasMaxLength(100);
        e.Property(x => x.SecretHash).HasMaxLength(64);
        e.Property(x => x.Prefix).HasMaxLength(16);
        e.HasIndex(x => x.SecretHash).IsUnique();
        e.HasIndex(x => x.UserId);
        e.HasOne<UserEntity>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A row of <c>idempotency_records</c>.</summary>
public sealed class IdempotencyRecordEntity
{
    public required string UserId { get; set; }

    public required string Key { get; set; }

    public required string Method { get; set; }

    public required string Path { get; set; }

    public required string BodyHash { get; set; }

    public int? StatusCode { get; set; }

    public byte[]? ResponseBody { get; set; }

    public string? ContentType { get; set; }

    public string? Location { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? CompletedAt { get; set; }
}

/// <summary>The <c>idempotency_records</c> table: one row per user and key.</summary>
internal sealed class IdempotencyRecordEntityConfiguration : IEntityTypeConfiguration<IdempotencyRecordEntity>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecordEntity> e)
    {
        e.ToTable("idempotency_records");
        e.HasKey(x => new { x.UserId, x.Key });
        e.Property(x => x.UserId).HasMaxLength(64);
        e.Property(x => x.Key).HasMaxLength(200);
        e.Property(x => x.Method).HasMaxLength(16);
        e.Property(x => x.Path).HasMaxLength(2000);
        e.Property(x => x.BodyHash).HasMaxLength(64);
        e.Property(x => x.ContentType).HasMaxLength(200);
        e.Property(x => x.Location).HasMaxLength(2000);
        e.HasIndex(x => x.ExpiresAt);
        e.HasOne<UserEntity>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
