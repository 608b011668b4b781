using ChangeFlow.Application.Notifications;
using ChangeFlow.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace ChangeFlow.Application.Tests.Notifications;

/// <summary>The pump queues one dispatch job when something is due, and no second one while the first is pending.</summary>
public sealed class OutboxPumpTests
{
    private readonly IOutboxDeliveryStore _store = Substitute.For<IOutboxDeliveryStore>();
    private readonly IOutboxJobs _jobs = Substitute.For<IOutboxJobs>();

    [Fact]
    public async Task PumpOnce_QueuesAJobOnlyWhenSomethingIsDue_AndNoneWhileItsJobIsPending()
    {
        _jobs.EnqueueDispatchAsync(Arg.Any<CancellationToken>()).Returns("job-1", "job-2");
        using var pump = Pump(new FakeTimeProvider(EngineFixture.StartInstant));

        _store.HasDueAsync(Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).Returns(false);
        Assert.Null(await pump.PumpOnceAsync(CancellationToken.None));
        await _jobs.DidNotReceive().EnqueueDispatchAsync(Arg.Any<CancellationToken>());

        _store.HasDueAsync(Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).Returns(true);
        _jobs.IsPendingAsync("job-1", Arg.Any<CancellationToken>()).Returns(true);
        Assert.Equal("job-1", await pump.PumpOnceAsync(CancellationToken.None));
        Assert.Null(await pump.PumpOnceAsync(CancellationToken.None));

        _jobs.IsPendingAsync("job-1", Arg.Any<CancellationToken>()).Returns(false);
        Assert.Equal("job-2", await pump.PumpOnceAsync(CancellationToken.None));
        await _jobs.Received(2).EnqueueDispatchAsync(Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Run_LooksAgainAtOnce_WhenNudgedAfterACommit()
    {
        var looked = new SemaphoreSlim(0);
        var queued = new SemaphoreSlim(0);
        var due = false;
        _store.HasDueAsync(Arg.Any<DateTimeOffset>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            looked.Release();
            return Volatile.Read(ref due);
        });
        _jobs.EnqueueDispatchAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            queued.Release();
            return "job-1";
        });
        _jobs.IsPendingAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(true);
        using var pump = Pump(new FakeTimeProvider(EngineFixture.StartInstant));
        using var stop = new CancellationTokenSource();
        var running = pump.RunAsync(stop.Token);
        Assert.True(await looked.WaitAsync(TimeSpan.FromSeconds(30)));

        // The clock stands still: only the nudge can make the pump look again.
        Volatile.Write(ref due, true);
        pump.MessagesQueued();
        Assert.True(await looked.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await queued.WaitAsync(TimeSpan.FromSeconds(30)));

        await stop.CancelAsync();
        await running;
        await _jobs.Received(1).EnqueueDispatchAsync(Arg.Any<CancellationToken>());
    }

    private OutboxPump Pump(TimeProvider clock) =>
        new(_store, _jobs, clock, Options.Create(new MailOptions()), NullLogger<OutboxPump>.Instance);
}
