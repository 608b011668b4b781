using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// A row of <c>incidents</c>: the whole incident as JSON (<see cref="RecordJson"/>) plus the columns lists, metrics
/// and deduplication filter on, copied from it on every write.
/// </summary>
public sealed class IncidentTicketEntity
{
    /// <summary>The longest title kept in the column; the JSON holds the whole title.</summary>
    public const int TitleLength = 200;

    public required string Number { get; set; }

    public int Year { get; set; }

    public int Sequence { get; set; }

    public required string Title { get; set; }

    public required string State { get; set; }

    /// <summary>Whether the incident still needs work (not resolved, not closed): the backlog.</summary>
    public bool IsOpen { get; set; }

    public string? Priority { get; set; }

    public string? ServiceId { get; set; }

    public string? AssignmentGroup { get; set; }

    public string? AssigneeId { get; set; }

    public string? ReporterId { get; set; }

    public string? ProblemNumber { get; set; }

    public string? CausedByChange { get; set; }

    /// <summary>The monitoring alert key while the incident is not closed; unique, so one alert group opens one incident.</summary>
    public string? OpenAlertKey { get; set; }

    public DateTime OpenedAt { get; set; }

    public DateTime? ResolvedAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    public string? WorkflowInstanceId { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>App-incremented concurrency token.</summary>
    public long Version { get; set; }

    public required string RecordJson { get; set; }
}

/// <summary>The <c>incidents</c> table.</summary>
internal sealed class IncidentEntityConfiguration : IEntityTypeConfiguration<IncidentTicketEntity>
{
    public void Configure(EntityTypeBuilder<IncidentTicketEntity> e)
    {
        e.ToTable("incidents");
        e.HasKey(x => x.Number);
        e.Property(x => x.Number).HasMaxLength(20);
        e.Property(x => x.Title).HasMaxLength(IncidentTicketEntity.TitleLength);
        e.Property(x => x.State).HasMaxLength(16);
        e.Property(x => x.Priority).HasMaxLength(4);
        e.Property(x => x.ServiceId).HasMaxLength(200);
        e.Property(x => x.AssignmentGroup).HasMaxLength(200);
        e.Property(x => x.AssigneeId).HasMaxLength(200);
        e.Property(x => x.ReporterId).HasMaxLength(200);
        e.Property(x => x.ProblemNumber).HasMaxLength(20);
        e.Property(x => x.CausedByChange).HasMaxLength(16);
        e.Property(x => x.OpenAlertKey).HasMaxLength(80);
        e.Property(x => x.WorkflowInstanceId).HasMaxLength(64);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.Property(x => x.Version).IsConcurrencyToken();
        e.HasIndex(x => new { x.Year, x.Sequence }).IsUnique();
        e.HasIndex(x => x.OpenAlertKey).IsUnique();
        e.HasIndex(x => new { x.IsOpen, x.Priority });
        e.HasIndex(x => x.State);
        e.HasIndex(x => x.ServiceId);
        e.HasIndex(x => x.AssignmentGroup);
        e.HasIndex(x => x.AssigneeId);
        e.HasIndex(x => x.ProblemNumber);
        e.HasIndex(x => x.CausedByChange);
        e.HasIndex(x => x.OpenedAt);
    }
}
