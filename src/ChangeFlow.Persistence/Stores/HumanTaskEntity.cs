using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>A row of <c>human_tasks</c>; list-valued fields are JSON arrays.</summary>
public sealed class HumanTaskEntity
{
    public required string Id { get; set; }

    public required string GroupId { get; set; }

    public required string InstanceId { get; set; }

    public required string ActivityId { get; set; }

    public required string SubjectKind { get; set; }

    public required string SubjectId { get; set; }

    public required string Kind { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    public required string AssigneeUserId { get; set; }

    public string? AssignedVia { get; set; }

    public required string OutcomesJson { get; set; }

    public required string CommentRequiredForJson { get; set; }

    public required string ExcludedUserIdsJson { get; set; }

    public required string Status { get; set; }

    public string? Outcome { get; set; }

    public string? Comment { get; set; }

    public string? CompletedBy { get; set; }

    public DateTime? DueAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? CompletedAt { get; set; }

    public string? DataJson { get; set; }

    /// <summary>App-incremented concurrency token.</summary>
    public long Version { get; set; }
}

/// <summary>The <c>human_tasks</c> table.</summary>
internal sealed class HumanTaskEntityConfiguration : IEntityTypeConfiguration<HumanTaskEntity>
{
    public void Configure(EntityTypeBuilder<HumanTaskEntity> e)
    {
        e.ToTable("human_tasks");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(64);
        e.Property(x => x.GroupId).HasMaxLength(64);
        e.Property(x => x.InstanceId).HasMaxLength(64);
        e.Property(x => x.ActivityId).HasMaxLength(200);
        e.Property(x => x.SubjectKind).HasMaxLength(32);
        e.Property(x => x.SubjectId).HasMaxLength(64);
        e.Property(x => x.Kind).HasMaxLength(64);
        e.Property(x => x.AssigneeUserId).HasMaxLength(200);
        e.Property(x => x.AssignedVia).HasMaxLength(200);
        e.Property(x => x.Status).HasMaxLength(16);
        e.Property(x => x.Outcome).HasMaxLength(64);
        e.Property(x => x.CompletedBy).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.AssigneeUserId, x.Status, x.DueAt });
        e.HasIndex(x => x.SubjectId);
        e.HasIndex(x => x.GroupId);
        e.HasIndex(x => x.InstanceId);
    }
}
