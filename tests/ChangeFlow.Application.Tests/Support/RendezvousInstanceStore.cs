using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;

namespace ChangeFlow.Application.Tests.Support;

/// <summary>Lets a task go on only once <c>parties</c> tasks have arrived.</summary>
public sealed class Rendezvous(int parties)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) == parties)
        {
            _all.TrySetResult();
        }

        return _all.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}

/// <summary>
/// Holds a node's first load of an instance until every node has loaded it, so that all of them run on the same row
/// version and must race to commit: the interleaving that optimistic concurrency exists for, made certain.
/// </summary>
public sealed class RendezvousInstanceStore(IWorkflowInstanceStore inner, Rendezvous rendezvous) : IWorkflowInstanceStore
{
    private int _loads;

    public async Task<InstanceSnapshot?> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var snapshot = await inner.LoadAsync(instanceId, cancellationToken);
        if (Interlocked.Increment(ref _loads) == 1)
        {
            await rendezvous.ArriveAsync();
        }

        return snapshot;
    }

    public Task<long> CommitAsync(InstanceCommit commit, CancellationToken cancellationToken) => inner.CommitAsync(commit, cancellationToken);

    public Task<IReadOnlyList<BookmarkMatch>> FindBookmarksAsync(string hash, string? instanceId, string? correlationId, CancellationToken cancellationToken) =>
        inner.FindBookmarksAsync(hash, instanceId, correlationId, cancellationToken);

    public Task SetTimerJobIdAsync(string bookmarkId, string? jobId, CancellationToken cancellationToken) => inner.SetTimerJobIdAsync(bookmarkId, jobId, cancellationToken);

    public Task<IReadOnlyList<TimerBookmark>> ListDueTimersAsync(DateTimeOffset dueBefore, int take, CancellationToken cancellationToken) =>
        inner.ListDueTimersAsync(dueBefore, take, cancellationToken);

    public Task<IReadOnlyList<TimerBookmark>> ClaimDueTimersAsync(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int take, CancellationToken cancellationToken) =>
        inner.ClaimDueTimersAsync(owner, now, claimedUntil, take, cancellationToken);

    public Task<InstanceSummary?> GetSummaryAsync(string instanceId, CancellationToken cancellationToken) => inner.GetSummaryAsync(instanceId, cancellationToken);

    public Task<Page<InstanceSummary>> ListAsync(InstanceQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, CancellationToken cancellationToken) => inner.GetJournalAsync(instanceId, cancellationToken);

    public Task<IReadOnlyList<JournalEntry>> GetJournalAsync(string instanceId, long afterSequence, int take, CancellationToken cancellationToken) =>
        inner.GetJournalAsync(instanceId, afterSequence, take, cancellationToken);

    public Task<IReadOnlyList<Incident>> GetIncidentsAsync(string instanceId, CancellationToken cancellationToken) => inner.GetIncidentsAsync(instanceId, cancellationToken);
}
