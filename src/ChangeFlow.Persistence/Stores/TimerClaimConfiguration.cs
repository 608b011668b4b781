using ChangeFlow.Persistence.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// The timer dispatchers' lease columns of <c>workflow_bookmarks</c> (the rest of the table is configured in
/// <see cref="ChangeFlowDbContext"/>). A dispatcher claims a due timer by setting both; the claim ends when the timer
/// fires (its row is deleted) or when the lease runs out. No index: claims are found through the due-time index.
/// </summary>
internal sealed class TimerClaimConfiguration : IEntityTypeConfiguration<BookmarkEntity>
{
    /// <summary>Room for a node name plus a per-process suffix.</summary>
    public const int ClaimedByLength = 200;

    public void Configure(EntityTypeBuilder<BookmarkEntity> e)
    {
        e.Property(x => x.ClaimedBy).HasMaxLength(ClaimedByLength);
    }
}
