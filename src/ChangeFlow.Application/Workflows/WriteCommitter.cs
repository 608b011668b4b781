namespace ChangeFlow.Application.Workflows;

/// <summary>
/// Commits <see cref="IRunWrite"/>s outside a workflow run, all in one transaction, with the same handlers a run's
/// commit uses: a command that changes a record and queues the messages it causes (cancelling a change and telling
/// who was told, moving a window and rescheduling its notices) commits both or neither.
/// </summary>
public interface IWriteCommitter
{
    /// <summary>
    /// Applies <paramref name="writes"/> in order in one transaction. A stale versioned write throws
    /// <see cref="ConcurrencyConflictException"/> and nothing is kept.
    /// </summary>
    Task CommitAsync(IReadOnlyList<IRunWrite> writes, CancellationToken cancellationToken);
}
