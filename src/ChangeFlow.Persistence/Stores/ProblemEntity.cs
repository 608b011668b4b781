using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>A row of <c>problems</c>: the problem as JSON plus the columns lists filter on.</summary>
public sealed class ProblemEntity
{
    public required string Number { get; set; }

    public int Year { get; set; }

    public int Sequence { get; set; }

    public required string Title { get; set; }

    public required string State { get; set; }

    public string? ServiceId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>App-incremented concurrency token.</summary>
    public long Version { get; set; }

    public required string RecordJson { get; set; }
}

/// <summary>The <c>problems</c> table.</summary>
internal sealed class ProblemEntityConfiguration : IEntityTypeConfiguration<ProblemEntity>
{
    public void Configure(EntityTypeBuilder<ProblemEntity> e)
    {
        e.ToTable("problems");
        e.HasKey(x => x.Number);
        e.Property(x => x.Number).HasMaxLength(20);
        e.Property(x => x.Title).HasMaxLength(IncidentTicketEntity.TitleLength);
        e.Property(x => x.State).HasMaxLength(24);
        e.Property(x => x.ServiceId).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.Year, x.Sequence }).IsUnique();
        e.HasIndex(x => x.State);
        e.HasIndex(x => x.ServiceId);
    }
}
