using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ChangeFlow.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests;

/// <summary>Two nodes on one PostgreSQL share Hangfire's timers: each fires once, on whichever node takes it.</summary>
public sealed class TimerClusterTests : IAsyncLifetime
{
    private const int Instances = 500;
    private readonly ITestOutputHelper _output;
    private TestCluster _cluster = null!;

    public TimerClusterTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _cluster = await TestCluster.CreateAsync(_output, "timer-at.json");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Timers_FireExactlyOnceAcrossTwoNodes_When500FallDueWithinTheSameSeconds()
    {
        var nodes = await _cluster.StartReadyNodesAsync(null, "node-a", "node-b");

        // Every timer is due in the same three seconds, far enough ahead that all 500 are waiting when the first is due.
        var firstDue = TimeProvider.System.GetUtcNow().AddSeconds(25);
        var watch = Stopwatch.StartNew();
        var ids = new string[Instances];
        await Parallel.ForAsync(0, Instances, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var dueAt = firstDue.AddMilliseconds(i % 3000).ToString("O", CultureInfo.InvariantCulture);
            ids[i] = await nodes[i % 2].StartInstanceAsync("cluster-timer-at", new JsonObject { ["dueAt"] = dueAt });
        });
        var created = watch.Elapsed;
        _output.WriteLine($"{Instances} instances created over both nodes in {created.TotalSeconds:0.0} s");
        Assert.True(TimeProvider.System.GetUtcNow() < firstDue, $"Creating {Instances} instances took {created.TotalSeconds:0.0} s: the first timer was already due.");

        await _cluster.WaitUntilAsync(
            async () => (await _cluster.CountStatusesAsync()).GetValueOrDefault("Finished") == Instances,
            TimeSpan.FromSeconds(90) + (firstDue - TimeProvider.System.GetUtcNow()),
            async () => "instances by status: " + string.Join(", ", await _cluster.CountStatusesAsync()));
        _output.WriteLine($"all finished {(TimeProvider.System.GetUtcNow() - firstDue).TotalSeconds:0.0} s after the first timer was due");

        var journal = await _cluster.ReadJournalAsync();
        Assert.Equal(ids.Order(StringComparer.Ordinal), journal.Select(r => r.InstanceId).Distinct().Order(StringComparer.Ordinal));
        foreach (var id in ids)
        {
            var rows = journal.Where(r => r.InstanceId == id).ToList();
            Assert.True(1 == rows.Count(r => r is { ActivityId: "wait", Kind: "Suspended" }), $"{id}: the timer was not set exactly once");
            Assert.True(1 == rows.Count(r => r is { ActivityId: "wait", Kind: "Resumed" }), $"{id}: the timer did not fire exactly once");
            Assert.True(1 == rows.Count(r => r is { ActivityId: "fired", Kind: "Completed" }), $"{id}: the step after the timer did not run exactly once");
            Assert.True(1 == rows.Count(r => r.Kind == "WorkflowFinished"), $"{id}: the instance did not finish exactly once");
        }

        Assert.Equal(0L, await _cluster.ScalarAsync<long>("SELECT count(*) FROM workflow_bookmarks"));
        var firedBy = nodes.Select(n => $"{n.Name} {n.Output.Split('\n').Count(l => l.Contains("timer fired for", StringComparison.Ordinal))}");
        _output.WriteLine("timers fired per node: " + string.Join(", ", firedBy));
    }
}
