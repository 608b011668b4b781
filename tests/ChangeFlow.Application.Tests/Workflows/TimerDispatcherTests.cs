using ChangeFlow.Application.Tests.Support;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Testing;

namespace ChangeFlow.Application.Tests.Workflows;

/// <summary>
/// The timer dispatcher over a real database: claims, leases, firing once across nodes, and Hangfire's job as the
/// backstop. The <c>delay</c> workflow waits one hour on <c>Elsa.Delay</c>; its one <c>Resumed</c> journal entry is
/// the firing that is counted.
/// </summary>
public abstract class TimerDispatcherTests : RuntimeTestBase
{
    private static readonly TimeSpan Backstop = TimeSpan.FromSeconds(5);

    protected override TimerOptions? Timers => new() { BackstopDelay = Backstop, BatchSize = 50, Parallelism = 4, Lease = TimeSpan.FromSeconds(15) };

    [Fact]
    public async Task DispatchOnceAsync_FiresEachDueTimerOnce_AndLeavesTimersNotYetDue()
    {
        await Harness.PublishAsync("delay");
        var due = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            due.Add((await Harness.StartAsync("delay")).Id);
        }

        Clock.Advance(TimeSpan.FromMinutes(30));
        var later = await Harness.StartAsync("delay");
        Clock.Advance(TimeSpan.FromMinutes(30));
        var dispatcher = Harness.CreateDispatcher();

        Assert.Equal(3, await dispatcher.DispatchOnceAsync(Ct));
        Assert.Equal(0, await dispatcher.DispatchOnceAsync(Ct));

        foreach (var id in due)
        {
            Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(id));
            Assert.Equal(1, await ResumedCountAsync(id));
        }

        Assert.Equal(WorkflowStatus.Suspended, await Harness.StatusAsync(later.Id));
        Assert.Equal(later.Id, Assert.Single(await Harness.TimersAsync()).InstanceId);
    }

    [Fact]
    public async Task StartAsync_SchedulesTheBackstopJobAfterTheDueInstant_AndTheDispatcherDeletesItAfterFiring_WhenTheDispatcherIsOn()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        var job = Assert.Single(Jobs.Timers);
        Assert.Equal(T0.AddHours(1) + Backstop, job.DueAt);

        Clock.Advance(TimeSpan.FromHours(1));
        var dispatcher = Harness.CreateDispatcher();
        Assert.Equal(1, await dispatcher.DispatchOnceAsync(Ct));
        Assert.Empty(Jobs.Deleted);
        Assert.Equal(1, await dispatcher.DeleteFiredJobsAsync(Ct));

        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal(new[] { job.Id }, Jobs.Deleted);
        Assert.False(Jobs.IsPending(job.Id));
    }

    [Fact]
    public async Task FireTimerAsync_FiresTheTimer_WhenItsBackstopJobRunsAndNoDispatcherDid()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        var job = Assert.Single(Jobs.Timers);

        // No dispatcher runs: the job runs when it comes due, as Hangfire would run it.
        Clock.Advance(job.DueAt - Clock.GetUtcNow());
        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);

        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal(1, await ResumedCountAsync(started.Id));
        Assert.Equal(0, await Harness.CreateDispatcher().DispatchOnceAsync(Ct));
    }

    [Fact]
    public async Task FireTimerAsync_DoesNothing_WhenTheBackstopJobRunsAfterTheDispatcherFiredTheTimer()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        var job = Assert.Single(Jobs.Timers);
        Clock.Advance(TimeSpan.FromHours(1));
        await Harness.CreateDispatcher().DispatchOnceAsync(Ct);
        var version = await Harness.VersionAsync(started.Id);

        Clock.Advance(Backstop);
        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);

        Assert.Equal(version, await Harness.VersionAsync(started.Id));
        Assert.Equal(1, await ResumedCountAsync(started.Id));
    }

    [Fact]
    public async Task ClaimDueTimersAsync_NeverHandsOneTimerToTwoNodes_WhenTheyClaimAtOnce()
    {
        await Harness.PublishAsync("delay");
        var ids = await StartManyAsync(120);
        Clock.Advance(TimeSpan.FromHours(1));
        var nodes = new[] { Harness.Node, Harness.CreateNode(), Harness.CreateNode() };
        var now = Clock.GetUtcNow();

        // Each node claims small batches until nothing is left, all at the same time.
        var claims = await Task.WhenAll(nodes.Select((node, n) => Task.Run(async () =>
        {
            var mine = new List<string>();
            IReadOnlyList<TimerBookmark> batch;
            do
            {
                batch = await node.Instances.ClaimDueTimersAsync($"node-{n}", now, now.AddSeconds(15), 7, Ct);
                mine.AddRange(batch.Select(t => t.InstanceId));
            }
            while (batch.Count > 0);
            return mine;
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(ids.Count, all.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), all.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DispatchOnceAsync_FiresEveryTimerExactlyOnce_WhenTwoNodesDispatchAtOnce()
    {
        await Harness.PublishAsync("delay");
        var ids = await StartManyAsync(150);
        Clock.Advance(TimeSpan.FromHours(1));
        var dispatchers = new[] { Harness.CreateDispatcher(Harness.Node, "node-a"), Harness.CreateDispatcher(Harness.CreateNode(), "node-b") };

        var claimed = await Task.WhenAll(dispatchers.Select(d => Task.Run(async () =>
        {
            var total = 0;
            int batch;
            while ((batch = await d.DispatchOnceAsync(Ct)) > 0)
            {
                total += batch;
            }

            return total;
        })));

        Assert.Equal(ids.Count, claimed.Sum());
        Assert.Empty(await Harness.TimersAsync());
        foreach (var id in ids)
        {
            Assert.Equal(1, await ResumedCountAsync(id));
            Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(id));
        }
    }

    [Fact]
    public async Task DispatchOnceAsync_FiresAClaimedTimer_OnlyAfterTheLeaseOfADeadNodeRanOut()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        Clock.Advance(TimeSpan.FromHours(1));
        var now = Clock.GetUtcNow();

        // A node claims the timer and dies before firing it.
        var dead = Harness.CreateNode();
        Assert.Single(await dead.Instances.ClaimDueTimersAsync("dead-node", now, now + Harness.Timers!.Lease, 10, Ct));
        var survivor = Harness.CreateDispatcher(Harness.Node, "survivor");

        Assert.Equal(0, await survivor.DispatchOnceAsync(Ct));
        Assert.Equal(WorkflowStatus.Suspended, await Harness.StatusAsync(started.Id));

        Clock.Advance(Harness.Timers.Lease);
        Assert.Equal(1, await survivor.DispatchOnceAsync(Ct));

        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal(1, await ResumedCountAsync(started.Id));
    }

    [Fact]
    public async Task DispatchOnceAsync_ClaimsTheNextBatchAgain_AfterABatchWasFired()
    {
        await Harness.PublishAsync("delay");
        var ids = await StartManyAsync(Harness.Timers!.BatchSize + 10);
        Clock.Advance(TimeSpan.FromHours(1));
        var dispatcher = Harness.CreateDispatcher();

        Assert.Equal(Harness.Timers.BatchSize, await dispatcher.DispatchOnceAsync(Ct));
        Assert.Equal(10, await dispatcher.DispatchOnceAsync(Ct));

        Assert.Empty(await Harness.TimersAsync());
        Assert.Equal(ids.Count, (await Runtime.ListAsync(new InstanceQuery(DefinitionId: "delay", Status: WorkflowStatus.Finished, Take: 1000), Ct)).Total);
    }

    private async Task<List<string>> StartManyAsync(int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await Harness.StartAsync("delay")).Id);
        }

        return ids;
    }

    private async Task<int> ResumedCountAsync(string instanceId) =>
        (await Harness.JournalAsync(instanceId)).Count(j => j.Kind == JournalEventKind.Resumed);
}

public sealed class SqliteTimerDispatcherTests : TimerDispatcherTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgreSqlTimerDispatcherTests : TimerDispatcherTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}

/// <summary>With the dispatcher switched off, timer jobs are scheduled exactly as before it existed.</summary>
public sealed class TimerDispatcherOffTests : RuntimeTestBase
{
    protected override TimerOptions? Timers => new() { Dispatcher = false, BackstopDelay = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task StartAsync_SchedulesTheTimerJobAtTheDueInstant_WhenTheDispatcherIsOff()
    {
        await Harness.PublishAsync("delay");
        await Harness.StartAsync("delay");

        Assert.Equal(T0.AddHours(1), Assert.Single(Jobs.Timers).DueAt);
    }
}
