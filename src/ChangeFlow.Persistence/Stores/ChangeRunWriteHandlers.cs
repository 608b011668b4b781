using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Writes a change record with a run: inserts it when <see cref="ChangeWrite.ExpectedVersion"/> is 0, otherwise
/// updates it only if it is still at that version, so a run that read a stale change is retried.
/// </summary>
public sealed class ChangeWriteHandler : RunWriteHandler<ChangeWrite>
{
    /// <inheritdoc />
    protected override async ValueTask ApplyAsync(ChangeFlowDbContext db, ChangeWrite write, CancellationToken cancellationToken)
    {
        if (write.ExpectedVersion != 0)
        {
            AttachUpdate(db, write.Record, write.ExpectedVersion);
            return;
        }

        var entity = ChangeRows.ToEntity(write.Record);
        if (await db.Set<ChangeEntity>().AnyAsync(c => c.Number == entity.Number, cancellationToken))
        {
            throw new ConcurrencyConflictException($"The change {entity.Number} already exists.");
        }

        db.Add(entity);
    }

    /// <summary>Tracks the replacement of a change whose row must still be at <paramref name="expectedVersion"/> when saved.</summary>
    internal static void AttachUpdate(ChangeFlowDbContext db, ChangeRecord record, long expectedVersion)
    {
        var entity = ChangeRows.ToEntity(record with { Version = expectedVersion + 1 });
        var entry = db.Attach(entity);
        entry.State = EntityState.Modified;
        entry.Property(x => x.Version).OriginalValue = expectedVersion;
    }
}

/// <summary>Adds a timeline entry with a run.</summary>
public sealed class TimelineWriteHandler : RunWriteHandler<TimelineWrite>
{
    /// <inheritdoc />
    protected override ValueTask ApplyAsync(ChangeFlowDbContext db, TimelineWrite write, CancellationToken cancellationToken)
    {
        db.Add(EfTimelineStore.ToEntity(write.Entry));
        return default;
    }
}

/// <summary>Creates a human task with a run.</summary>
public sealed class TaskCreateWriteHandler : RunWriteHandler<TaskCreateWrite>
{
    /// <inheritdoc />
    protected override ValueTask ApplyAsync(ChangeFlowDbContext db, TaskCreateWrite write, CancellationToken cancellationToken)
    {
        var entity = EfHumanTaskStore.ToEntity(write.Task);
        entity.Version = Math.Max(1, write.Task.Version);
        db.Add(entity);
        return default;
    }
}

/// <summary>
/// Closes a human task with a run. Only an open task changes, so closing twice (a double-click, a retried run, the
/// quorum closing the rest of a group) is harmless; the version is bumped whatever it was, so a reassignment made
/// meanwhile does not keep a decided task open. Closing it cancels its pending outbox messages (<see cref="TaskCorrelation"/>).
/// </summary>
public sealed class TaskCloseWriteHandler : RunWriteHandler<TaskCloseWrite>
{
    /// <inheritdoc />
    protected override async ValueTask ApplyAsync(ChangeFlowDbContext db, TaskCloseWrite write, CancellationToken cancellationToken)
    {
        if (write.Status == HumanTaskStatus.Open)
        {
            throw new ArgumentException("A task is closed with Completed, Canceled or Expired, not Open.", nameof(write));
        }

        var open = nameof(HumanTaskStatus.Open);
        var status = write.Status.ToString();
        var at = Instants.ToUtc(write.At);
        var data = write.Data?.ToJsonString();
        var closed = await db.Set<HumanTaskEntity>()
            .Where(t => t.Id == write.TaskId && t.Status == open)
            .ExecuteUpdateAsync(
                set =>
                {
                    set.SetProperty(t => t.Status, status)
                        .SetProperty(t => t.Outcome, write.Outcome)
                        .SetProperty(t => t.Comment, write.Comment)
                        .SetProperty(t => t.CompletedBy, write.By)
                        .SetProperty(t => t.CompletedAt, at)
                        .SetProperty(t => t.Version, t => t.Version + 1);
                    if (data is not null)
                    {
                        set.SetProperty(t => t.DataJson, data);
                    }
                },
                cancellationToken);
        if (closed > 0)
        {
            // Nobody is asked or reminded about a task that is closed: its unsent messages go with it, in this transaction.
            await EfOutbox.CancelAsync(db, TaskCorrelation.For(write.TaskId), null, cancellationToken);
        }
    }
}

/// <summary>Adds an item to the Continual Improvement Register with a run (its number was allocated beforehand).</summary>
public sealed class ImprovementWriteHandler : RunWriteHandler<ImprovementWrite>
{
    /// <inheritdoc />
    protected override ValueTask ApplyAsync(ChangeFlowDbContext db, ImprovementWrite write, CancellationToken cancellationToken)
    {
        var entity = EfImprovementStore.ToEntity(write.Record);
        entity.Version = Math.Max(1, write.Record.Version);
        db.Add(entity);
        return default;
    }
}
