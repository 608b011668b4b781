using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>A row of <c>timeline_entries</c>: one line of a record's audit trail.</summary>
public sealed class TimelineEntryEntity
{
    public required string Id { get; set; }

    public required string SubjectId { get; set; }

    public DateTime At { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public required string Summary { get; set; }

    public string? InstanceId { get; set; }

    public string? ActivityId { get; set; }

    public string? ActivityName { get; set; }

    public string? DataJson { get; set; }
}

/// <summary>The <c>timeline_entries</c> table.</summary>
internal sealed class TimelineEntryEntityConfiguration : IEntityTypeConfiguration<TimelineEntryEntity>
{
    public void Configure(EntityTypeBuilder<TimelineEntryEntity> e)
    {
        e.ToTable("timeline_entries");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.SubjectId).HasMaxLength(64);
        e.Property(x => x.Actor).HasMaxLength(200);
        e.Property(x => x.Action).HasMaxLength(100);
        e.Property(x => x.InstanceId).HasMaxLength(64);
        e.Property(x => x.ActivityId).HasMaxLength(200);
        e.Property(x => x.ActivityName).HasMaxLength(200);
        e.HasIndex(x => new { x.SubjectId, x.At, x.Id });
    }
}
