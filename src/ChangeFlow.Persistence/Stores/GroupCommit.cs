using System.Collections.Concurrent;
using ChangeFlow.Application.Workflows;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Stores;

/// <summary>
/// Commits the runs of a SQLite database in groups. SQLite has one writer at a time, so runs that finish while another
/// commits would each wait for their own turn and pay for their own transaction (the WAL frames of the same index
/// pages written again and again). Instead, each run queues its commit and waits for the write turn; whoever gets the
/// turn writes every queued commit in one transaction, each inside a savepoint of its own. A commit that fails (a
/// stale version, a refused domain write) is rolled back to its savepoint and fails alone, exactly as if it had had a
/// transaction of its own; the others are committed together, and only then is any caller told it succeeded.
/// </summary>
/// <remarks>
/// Nothing waits to form a group: a commit that finds the database idle is written at once, alone. Groups form only
/// when runs queue up behind a commit in progress, which is when they help.
/// </remarks>
internal sealed class GroupCommit
{
    /// <summary>Upper bound on the commits written in one transaction, so a backlog does not make one huge transaction.</summary>
    private const int MaxGroupSize = 64;

    private readonly EfWorkflowInstanceStore _store;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Pending>> _queues = new(StringComparer.Ordinal);

    public GroupCommit(EfWorkflowInstanceStore store)
    {
        _store = store;
    }

    /// <summary>Queues <paramref name="commit"/>, then writes it (with whatever else is queued) or waits for the turn that did.</summary>
    public async Task<long> CommitAsync(ChangeFlowDbContext db, InstanceCommit commit, string stateJson, CancellationToken cancellationToken)
    {
        var queue = _queues.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new ConcurrentQueue<Pending>());
        var pending = new Pending(commit, stateJson);
        cancellationToken.ThrowIfCancellationRequested();
        queue.Enqueue(pending);

        // Once queued, a commit may be written by any turn, so neither the wait nor the write heeds one caller's
        // cancellation: a caller told "cancelled" must not find its run committed after all. Both are short.
        using (await WriteGate.EnterAsync(db, CancellationToken.None))
        {
            // The previous turn may have written this commit already; otherwise it is still queued, and this turn writes it.
            if (!pending.Outcome.Task.IsCompleted)
            {
                await WriteGroupAsync(db, queue, CancellationToken.None);
            }
        }

        return await pending.Outcome.Task;
    }

    private async Task WriteGroupAsync(ChangeFlowDbContext db, ConcurrentQueue<Pending> queue, CancellationToken cancellationToken)
    {
        var group = new List<Pending>();
        while (group.Count < MaxGroupSize && queue.TryDequeue(out var next))
        {
            group.Add(next);
        }

        var written = new List<(Pending Pending, long Version)>(group.Count);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            for (var i = 0; i < group.Count; i++)
            {
                var item = group[i];
                var savepoint = "run" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await transaction.CreateSavepointAsync(savepoint, cancellationToken);
                try
                {
                    var version = await _store.ApplyAsync(db, item.Commit, item.StateJson, cancellationToken);
                    await transaction.ReleaseSavepointAsync(savepoint, cancellationToken);
                    written.Add((item, version));
                }
                catch (Exception ex)
                {
                    await transaction.RollbackToSavepointAsync(savepoint, cancellationToken);
                    item.Outcome.TrySetException(ex);
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex)
        {
            // Nothing of the group is committed: every caller not yet told otherwise gets the error (and retries or gives up as for its own transaction).
            foreach (var item in group)
            {
                item.Outcome.TrySetException(ex);
            }

            return;
        }

        foreach (var (item, version) in written)
        {
            item.Commit.State.Journal.Clear();
            item.Outcome.TrySetResult(version);
        }
    }

    private sealed class Pending(InstanceCommit commit, string stateJson)
    {
        public InstanceCommit Commit { get; } = commit;

        public string StateJson { get; } = stateJson;

        public TaskCompletionSource<long> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
