using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>A row of <c>improvement_items</c>: one entry of the Continual Improvement Register.</summary>
public sealed class ImprovementEntity
{
    public required string Number { get; set; }

    public int Year { get; set; }

    public int Sequence { get; set; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public string? SourceChange { get; set; }

    public required string Status { get; set; }

    public required string Priority { get; set; }

    public string? Owner { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>App-incremented concurrency token.</summary>
    public long Version { get; set; }
}

/// <summary>The <c>improvement_items</c> table.</summary>
internal sealed class ImprovementEntityConfiguration : IEntityTypeConfiguration<ImprovementEntity>
{
    public void Configure(EntityTypeBuilder<ImprovementEntity> e)
    {
        e.ToTable("improvement_items");
        e.HasKey(x => x.Number);
        e.Property(x => x.Number).HasMaxLength(16);
        e.Property(x => x.SourceChange).HasMaxLength(16);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Priority).HasMaxLength(16);
        e.Property(x => x.Owner).HasMaxLength(200);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.Year, x.Sequence }).IsUnique();
        e.HasIndex(x => x.SourceChange);
    }
}
