using ChangeFlow.Application.Incidents;
using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Writes an incident with a run: inserts it when <see cref="IncidentWrite.ExpectedVersion"/> is 0, otherwise
/// updates it only if it is still at that version, so a run that read a stale incident (a person changed it
/// meanwhile) is retried on the fresh one.
/// </summary>
public sealed class IncidentWriteHandler : RunWriteHandler<IncidentWrite>
{
    /// <inheritdoc />
    protected override async ValueTask ApplyAsync(ChangeFlowDbContext db, IncidentWrite write, CancellationToken cancellationToken)
    {
        if (write.ExpectedVersion != 0)
        {
            AttachUpdate(db, write.Record, write.ExpectedVersion);
            return;
        }

        var entity = IncidentRows.ToEntity(write.Record);
        await CheckNewAsync(db, entity, cancellationToken);
        db.Add(entity);
    }

    /// <summary>Refuses a new row whose number, or open alert key, is taken.</summary>
    internal static async Task CheckNewAsync(ChangeFlowDbContext db, IncidentTicketEntity entity, CancellationToken cancellationToken)
    {
        if (await db.Set<IncidentTicketEntity>().AnyAsync(i => i.Number == entity.Number || (entity.OpenAlertKey != null && i.OpenAlertKey == entity.OpenAlertKey), cancellationToken))
        {
            throw new ConcurrencyConflictException($"The incident {entity.Number} or another incident for alert key {entity.OpenAlertKey} already exists.");
        }
    }

    /// <summary>Tracks the replacement of an incident whose row must still be at <paramref name="expectedVersion"/> when saved.</summary>
    internal static void AttachUpdate(ChangeFlowDbContext db, IncidentRecord record, long expectedVersion)
    {
        var entity = IncidentRows.ToEntity(record with { Version = expectedVersion + 1 });
        var entry = db.Attach(entity);
        entry.State = EntityState.Modified;
        entry.Property(x => x.Version).OriginalValue = expectedVersion;
    }
}
