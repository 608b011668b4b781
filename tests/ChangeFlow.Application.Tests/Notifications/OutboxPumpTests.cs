using ChangeFlow.Application.Notifications;
using ChangeFlow.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Application.Tests.Notifications;

/// <summary>The pump queues one dispatch job when something is due, and no second one while the first is pending.</summary>
public sealed class OutboxPumpTests
{
    [Fact]
    public async Task PumpOnce_QueuesAJobOnlyWhenSomethingIsDue_AndNoneWhileItsJobIsPending()
    {
        var store = new DueFlag();
        var jobs = new Jobs();
        using var pump = new OutboxPump(store, jobs, new FakeTimeProvider(EngineFixture.StartInstant), Options.Create(new MailOptions()), NullLogger<OutboxPump>.Instance);

        Assert.Null(await pump.PumpOnceAsync(CancellationToken.None));
        store.Due = true;
        Assert.Equal("job-1", await pump.PumpOnceAsync(CancellationToken.None));
        Assert.Null(await pump.PumpOnceAsync(CancellationToken.None));
        jobs.Pending.Clear();
        Assert.Equal("job-2", await pump.PumpOnceAsync(CancellationToken.None));
        Assert.Equal(2, jobs.Queued);
    }

    [Fact]
    public async Task Run_LooksAgainAtOnce_WhenNudgedAfterACommit()
    {
        var store = new DueFlag();
        var jobs = new Jobs();
        var clock = new FakeTimeProvider(EngineFixture.StartInstant);
        using var pump = new OutboxPump(store, jobs, clock, Options.Create(new MailOptions()), NullLogger<OutboxPump>.Instance);
        using var stop = new CancellationTokenSource();
        var running = pump.RunAsync(stop.Token);
        Assert.True(await store.Looked.WaitAsync(TimeSpan.FromSeconds(30)));

        // The clock stands still: only the nudge can make the pump look again.
        store.Due = true;
        pump.MessagesQueued();
        Assert.True(await store.Looked.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await jobs.QueuedOne.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, jobs.Queued);

        await stop.CancelAsync();
        await running;
    }

    private sealed class DueFlag : IOutboxDeliveryStore
    {
        public volatile bool Due;

        public SemaphoreSlim Looked { get; } = new(0);

        public Task<bool> HasDueAsync(DateTimeOffset now, CancellationToken cancellationToken)
        {
            Looked.Release();
            return Task.FromResult(Due);
        }

        public Task<IReadOnlyList<OutboxEntry>> ClaimDueAsync(string owner, DateTimeOffset now, DateTimeOffset claimedUntil, int take, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> RenewClaimAsync(string id, string owner, DateTimeOffset claimedUntil, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> MarkSentAsync(string id, string owner, DateTimeOffset sentAt, string? note, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> MarkRetryAsync(string id, string owner, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> MarkFailedAsync(string id, string owner, string error, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ReleaseAsync(string id, string owner, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<OutboxChange> RetryFailedAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<OutboxChange> CancelPendingAsync(string id, DateTimeOffset now, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class Jobs : IOutboxJobs
    {
        private int _queued;

        public HashSet<string> Pending { get; } = [];

        public int Queued => Volatile.Read(ref _queued);

        public SemaphoreSlim QueuedOne { get; } = new(0);

        public Task<string?> EnqueueDispatchAsync(CancellationToken cancellationToken)
        {
            var id = $"job-{Interlocked.Increment(ref _queued)}";
            Pending.Add(id);
            QueuedOne.Release();
            return Task.FromResult<string?>(id);
        }

        public Task<bool> IsPendingAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult(Pending.Contains(jobId));
    }
}
