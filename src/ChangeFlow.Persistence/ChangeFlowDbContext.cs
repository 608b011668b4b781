using ChangeFlow.Persistence.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence;

/// <summary>ChangeFlow's database. The model is provider-neutral; each provider has its own migrations project.</summary>
public sealed class ChangeFlowDbContext : DbContext, IDataProtectionKeyContext
{
    public ChangeFlowDbContext(DbContextOptions<ChangeFlowDbContext> options)
        : base(options)
    {
    }

    public DbSet<WorkflowDefinitionEntity> Definitions => Set<WorkflowDefinitionEntity>();

    public DbSet<WorkflowInstanceEntity> Instances => Set<WorkflowInstanceEntity>();

    public DbSet<BookmarkEntity> Bookmarks => Set<BookmarkEntity>();

    public DbSet<IncidentEntity> Incidents => Set<IncidentEntity>();

    public DbSet<JournalEntryEntity> Journal => Set<JournalEntryEntity>();

    public DbSet<StimulusEntity> Stimuli => Set<StimulusEntity>();

    public DbSet<OutboxMessageEntity> Outbox => Set<OutboxMessageEntity>();

    /// <summary>
    /// The ASP.NET Core Data Protection key ring, shared by every node on the database: a sign-in cookie or an
    /// antiforgery token issued by one node is read by the others and survives restarts and redeploys.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        // Each feature's tables are configured in an IEntityTypeConfiguration of its own, next to its store.
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ChangeFlowDbContext).Assembly);
        modelBuilder.Entity<DataProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.Property(x => x.FriendlyName).HasMaxLength(200);
        });
        modelBuilder.Entity<WorkflowDefinitionEntity>(e =>
        {
            e.ToTable("workflow_definitions");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(200);
            e.Property(x => x.DefinitionId).HasMaxLength(190);
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.Property(x => x.Source).HasMaxLength(400);
            e.HasIndex(x => new { x.DefinitionId, x.Version }).IsUnique();
            e.HasIndex(x => new { x.DefinitionId, x.IsPublished });
        });

        modelBuilder.Entity<WorkflowInstanceEntity>(e =>
        {
            e.ToTable("workflow_instances");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.DefinitionId).HasMaxLength(190);
            e.Property(x => x.DefinitionVersionId).HasMaxLength(200);
            e.Property(x => x.CorrelationId).HasMaxLength(200);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.DefinitionId, x.Status });
            e.HasIndex(x => x.CorrelationId);
            e.HasIndex(x => new { x.Status, x.UpdatedAt });
        });

        modelBuilder.Entity<BookmarkEntity>(e =>
        {
            e.ToTable("workflow_bookmarks");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.InstanceId).HasMaxLength(64);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.Property(x => x.ActivityId).HasMaxLength(200);
            e.Property(x => x.JobId).HasMaxLength(100);
            e.HasIndex(x => x.Hash);
            e.HasIndex(x => x.InstanceId);
            e.HasIndex(x => x.DueAt);
            e.HasOne<WorkflowInstanceEntity>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<IncidentEntity>(e =>
        {
            e.ToTable("workflow_incidents");
            e.HasKey(x => x.Id);
            e.Property(x => x.InstanceId).HasMaxLength(64);
            e.HasIndex(x => new { x.InstanceId, x.Timestamp });
            e.HasOne<WorkflowInstanceEntity>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<JournalEntryEntity>(e =>
        {
            e.ToTable("workflow_journal");
            e.HasKey(x => new { x.InstanceId, x.Sequence });
            e.Property(x => x.InstanceId).HasMaxLength(64);
            e.Property(x => x.Kind).HasMaxLength(32);
            e.HasOne<WorkflowInstanceEntity>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<StimulusEntity>(e =>
        {
            e.ToTable("workflow_stimuli");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.Property(x => x.Status).HasMaxLength(16);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
        });
    }
}
