using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>A row of <c>reference_documents</c>: one editable configuration document.</summary>
public sealed class ReferenceDocumentEntity
{
    public required string Kind { get; set; }

    public required string Id { get; set; }

    public required string Json { get; set; }

    /// <summary>App-incremented concurrency token.</summary>
    public long Version { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>The <c>reference_documents</c> table.</summary>
internal sealed class ReferenceDocumentEntityConfiguration : IEntityTypeConfiguration<ReferenceDocumentEntity>
{
    public void Configure(EntityTypeBuilder<ReferenceDocumentEntity> e)
    {
        e.ToTable("reference_documents");
        e.HasKey(x => new { x.Kind, x.Id });
        e.Property(x => x.Kind).HasMaxLength(64);
        e.Property(x => x.Id).HasMaxLength(200);
        e.Property(x => x.UpdatedBy).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
    }
}
