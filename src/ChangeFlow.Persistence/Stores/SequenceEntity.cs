using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>A row of <c>sequences</c>: the next value of one per-year counter (RFC, CIR...).</summary>
public sealed class SequenceEntity
{
    public required string Name { get; set; }

    public int Year { get; set; }

    /// <summary>The value the next allocation returns.</summary>
    public int Next { get; set; }
}

/// <summary>
/// The <c>sequences</c> table. Its names are fixed in lower case because <see cref="EfSequenceStore"/> allocates with
/// one hand-written upsert, the only statement that is atomic on both providers without locks of its own.
/// </summary>
internal sealed class SequenceEntityConfiguration : IEntityTypeConfiguration<SequenceEntity>
{
    public void Configure(EntityTypeBuilder<SequenceEntity> e)
    {
        e.ToTable("sequences");
        e.HasKey(x => new { x.Name, x.Year });
        e.Property(x => x.Name).HasColumnName("name").HasMaxLength(32);
        e.Property(x => x.Year).HasColumnName("year");
        e.Property(x => x.Next).HasColumnName("next");
    }
}
