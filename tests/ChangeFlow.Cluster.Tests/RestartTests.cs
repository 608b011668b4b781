using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Cluster.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests;

/// <summary>A node killed with SIGKILL loses nothing: after a restart on the same database, due work runs exactly once.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    // The distributed lock under which Hangfire.PostgreSql's servers move due scheduled jobs to the queue.
    private const string SchedulerLock = "hangfire:locks:schedulepoller";

    // The sweep looks for lost timers every 2 s and fires those overdue by more than 2 s; a killed node counts as dead,
    // and a stalled scheduled job as lost, after three 1 s heartbeats. So a test waits seconds, not minutes.
    private static readonly Dictionary<string, string> FastRecovery = new()
    {
        ["ChangeFlow__Runtime__SweepInterval"] = "00:00:02",
        ["ChangeFlow__Runtime__SweepGrace"] = "00:00:02",
        ["ChangeFlow__Hangfire__HeartbeatInterval"] = "00:00:01",
    };

    private readonly ITestOutputHelper _output;
    private TestCluster _cluster = null!;

    public RestartTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _cluster = await TestCluster.CreateAsync(_output, "timer-at.json", "timer-then-busy-script.json");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Timers_FireExactlyOnceAfterRestart_WhenTheNodeWasKilledBeforeTheyWereDue()
    {
        const int timers = 50;
        var node = _cluster.StartNode("node-a", FastRecovery);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
        var firstDue = TimeProvider.System.GetUtcNow().AddSeconds(6);
        var ids = new string[timers];
        await Parallel.ForAsync(0, timers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var dueAt = firstDue.AddMilliseconds(i * 2000 / timers).ToString("O", CultureInfo.InvariantCulture);
            ids[i] = await node.StartInstanceAsync("cluster-timer-at", new JsonObject { ["dueAt"] = dueAt });
        });

        Assert.True(TimeProvider.System.GetUtcNow() < firstDue, "The timers were due before the node could be killed.");
        await node.KillAsync();
        Assert.Equal(timers, (await _cluster.CountStatusesAsync()).GetValueOrDefault("Suspended"));

        // Restart only once every timer is due, so that all of them are overdue when the node comes back.
        var lastDue = firstDue.AddSeconds(2);
        var wait = lastDue - TimeProvider.System.GetUtcNow() + TimeSpan.FromSeconds(1);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        var restarted = _cluster.StartNode("node-a-restarted", FastRecovery);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(90));
        await _cluster.WaitUntilAsync(
            async () => (await _cluster.CountStatusesAsync()).GetValueOrDefault("Finished") == timers,
            TimeSpan.FromSeconds(60),
            async () => "instances by status: " + string.Join(", ", await _cluster.CountStatusesAsync()));

        var journal = await _cluster.ReadJournalAsync();
        foreach (var id in ids)
        {
            var rows = journal.Where(r => r.InstanceId == id).ToList();
            Assert.True(1 == rows.Count(r => r is { ActivityId: "wait", Kind: "Resumed" }), $"{id}: the timer did not fire exactly once");
            Assert.True(1 == rows.Count(r => r is { ActivityId: "fired", Kind: "Completed" }), $"{id}: the step after the timer did not run exactly once");
            Assert.True(1 == rows.Count(r => r.Kind == "WorkflowFinished"), $"{id}: the instance did not finish exactly once");
        }
    }

    [Fact]
    public async Task Timers_FireExactlyOnceThroughTheirBackstopJobs_WhenNoDispatcherRuns()
    {
        const int timers = 20;

        // The node that sets the timers runs the dispatcher, so their jobs are scheduled as the backstop (after the
        // due instant); it is killed before they are due, and the node that takes over runs no dispatcher.
        var node = _cluster.StartNode("node-a", FastRecovery);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
        var due = TimeProvider.System.GetUtcNow().AddSeconds(6);
        var ids = new List<string>();
        for (var i = 0; i < timers; i++)
        {
            ids.Add(await node.StartInstanceAsync("cluster-timer-at", new JsonObject { ["dueAt"] = due.ToString("O", CultureInfo.InvariantCulture) }));
        }

        Assert.True(TimeProvider.System.GetUtcNow() < due, "The timers were due before the node could be killed.");
        await node.KillAsync();
        var settings = new Dictionary<string, string>(FastRecovery) { ["ChangeFlow__Timers__Dispatcher"] = "false" };
        var other = _cluster.StartNode("node-b", settings);
        await other.WaitReadyAsync(TimeSpan.FromSeconds(90));

        await _cluster.WaitUntilAsync(
            async () => (await _cluster.CountStatusesAsync()).GetValueOrDefault("Finished") == timers,
            TimeSpan.FromSeconds(60),
            async () => "instances by status: " + string.Join(", ", await _cluster.CountStatusesAsync()));

        var journal = await _cluster.ReadJournalAsync();
        foreach (var id in ids)
        {
            Assert.True(1 == journal.Count(r => r.InstanceId == id && r is { ActivityId: "wait", Kind: "Resumed" }), $"{id}: the timer did not fire exactly once");
            Assert.True(1 == journal.Count(r => r.InstanceId == id && r.Kind == "WorkflowFinished"), $"{id}: the instance did not finish exactly once");
        }
    }

    [Fact]
    public async Task Timers_FireExactlyOnce_WhenAKilledServerLeftTheSchedulerLockBehind()
    {
        const int timers = 10;

        // Without the timer dispatcher, each timer is its Hangfire job, and the sweep is what repairs a stalled one.
        var settings = new Dictionary<string, string>(FastRecovery) { ["ChangeFlow__Timers__Dispatcher"] = "false" };
        var node = _cluster.StartNode("node-a", settings);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));

        // What a server killed while moving due jobs to the queue leaves behind: the schedulers' lock row, which every
        // server then waits for until it times out (10 min). Scheduled jobs stall; only the sweep can fire the timers.
        await LeaveSchedulerLockBehindAsync();
        var due = TimeProvider.System.GetUtcNow().AddSeconds(4);
        var ids = new List<string>();
        for (var i = 0; i < timers; i++)
        {
            ids.Add(await node.StartInstanceAsync("cluster-timer-at", new JsonObject { ["dueAt"] = due.ToString("O", CultureInfo.InvariantCulture) }));
        }

        Assert.True(TimeProvider.System.GetUtcNow() < due, "The timers were due before they were all set.");

        await _cluster.WaitUntilAsync(
            async () => (await _cluster.CountStatusesAsync()).GetValueOrDefault("Finished") == timers,
            TimeSpan.FromSeconds(60),
            async () => "instances by status: " + string.Join(", ", await _cluster.CountStatusesAsync()));

        // The lock was still there, and the sweep, not the stalled scheduler, fired every timer.
        Assert.Equal(1L, await _cluster.ScalarAsync<long>($"SELECT count(*) FROM hangfire.lock WHERE resource = '{SchedulerLock}'"));
        var journal = await _cluster.ReadJournalAsync();
        foreach (var id in ids)
        {
            Assert.Contains($"of instance {id} was due", node.Output, StringComparison.Ordinal);
            Assert.True(1 == journal.Count(r => r.InstanceId == id && r is { ActivityId: "wait", Kind: "Resumed" }), $"{id}: the timer did not fire exactly once");
            Assert.True(1 == journal.Count(r => r.InstanceId == id && r.Kind == "WorkflowFinished"), $"{id}: the instance did not finish exactly once");
        }
    }

    [Theory]
    [InlineData("PostgreSql")]
    [InlineData("Sqlite")]
    public async Task Instance_FinishesExactlyOnceAfterRestart_WhenTheNodeWasKilledMidRun(string provider)
    {
        var settings = new Dictionary<string, string>(FastRecovery) { ["ChangeFlow__Database__Provider"] = provider };
        var node = _cluster.StartNode("node-a", settings);
        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));
        var id = await node.StartInstanceAsync("cluster-timer-then-busy-script");

        // The timer fires after 3 s; the run then announces its busy steps and spends about 2.4 s in JavaScript before
        // it can commit. Killing the node as soon as the announcement is written kills it inside that run.
        var announcement = $"busy steps begin for {id}";
        await node.WaitForOutputAsync(announcement, TimeSpan.FromSeconds(30));
        await node.KillAsync();
        Assert.DoesNotContain($"busy steps done for {id}", node.Output, StringComparison.Ordinal);
        if (provider == "PostgreSql")
        {
            Assert.Equal("Suspended", await _cluster.ScalarAsync<string>($"SELECT \"Status\" FROM workflow_instances WHERE \"Id\" = '{id}'"));
            Assert.DoesNotContain(await _cluster.ReadJournalAsync(), r => r.ActivityId is "announce" or "busy-1" or "busy-2");
        }

        var restarted = _cluster.StartNode("node-a-restarted", settings);
        await restarted.WaitReadyAsync(TimeSpan.FromSeconds(90));
        await _cluster.WaitUntilAsync(
            async () => await restarted.GetInstanceStatusAsync(id) == "Finished",
            TimeSpan.FromSeconds(60),
            async () => "status " + await restarted.GetInstanceStatusAsync(id));

        // The killed run committed nothing: the restarted node ran the resumed part again, and the journal holds it once.
        Assert.Contains(announcement, restarted.Output, StringComparison.Ordinal);
        var journal = await restarted.GetJournalAsync(id);
        Assert.Equal(1, journal.Count(r => r is { ActivityId: "wait", Kind: "Resumed" }));
        foreach (var step in new[] { "announce", "busy-1", "busy-2", "done" })
        {
            Assert.True(1 == journal.Count(r => r.ActivityId == step && r.Kind == "Completed"), $"{step} did not complete exactly once");
        }

        Assert.Equal(1, journal.Count(r => r.Kind == "WorkflowFinished"));
    }

    private async Task LeaveSchedulerLockBehindAsync()
    {
        await using var connection = new NpgsqlConnection(_cluster.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO hangfire.lock (resource, updatecount, acquired) VALUES ('{SchedulerLock}', 0, now()) ON CONFLICT DO NOTHING", connection);

        // The live server takes the lock for a moment every second; the row is ours once it was free.
        for (var attempt = 0; await insert.ExecuteNonQueryAsync() == 0; attempt++)
        {
            Assert.True(attempt < 200, "The scheduler lock was never free.");
            await Task.Delay(10);
        }
    }
}
