using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// A row of <c>changes</c>: the whole record as JSON (<see cref="RecordJson"/>) plus the columns lists and conflict
/// checks filter on, copied from it on every write.
/// </summary>
public sealed class ChangeEntity
{
    /// <summary>The longest title kept in the column; the record JSON holds the whole title.</summary>
    public const int TitleLength = 200;

    public required string Number { get; set; }

    public int Year { get; set; }

    public int Sequence { get; set; }

    public required string Title { get; set; }

    public required string Type { get; set; }

    public required string Category { get; set; }

    public required string State { get; set; }

    public string? Outcome { get; set; }

    public string? RequestorId { get; set; }

    public string? OverallRisk { get; set; }

    public DateTime? WindowStart { get; set; }

    public DateTime? WindowEnd { get; set; }

    public string? CabBoardId { get; set; }

    public DateTime? CabMeetingAt { get; set; }

    public string? WorkflowDefinitionId { get; set; }

    public string? WorkflowInstanceId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>App-incremented concurrency token.</summary>
    public long Version { get; set; }

    public required string RecordJson { get; set; }
}

/// <summary>The <c>changes</c> table.</summary>
internal sealed class ChangeEntityConfiguration : IEntityTypeConfiguration<ChangeEntity>
{
    public void Configure(EntityTypeBuilder<ChangeEntity> e)
    {
        e.ToTable("changes");
        e.HasKey(x => x.Number);
        e.Property(x => x.Number).HasMaxLength(16);
        e.Property(x => x.Title).HasMaxLength(ChangeEntity.TitleLength);
        e.Property(x => x.Type).HasMaxLength(16);
        e.Property(x => x.Category).HasMaxLength(16);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.Outcome).HasMaxLength(32);
        e.Property(x => x.RequestorId).HasMaxLength(200);
        e.Property(x => x.OverallRisk).HasMaxLength(16);
        e.Property(x => x.CabBoardId).HasMaxLength(200);
        e.Property(x => x.WorkflowDefinitionId).HasMaxLength(190);
        e.Property(x => x.WorkflowInstanceId).HasMaxLength(64);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.Year, x.Sequence }).IsUnique();
        e.HasIndex(x => x.State);
        e.HasIndex(x => x.Type);
        e.HasIndex(x => x.WindowStart);
        e.HasIndex(x => new { x.CabBoardId, x.CabMeetingAt });
        e.HasIndex(x => x.RequestorId);
    }
}
