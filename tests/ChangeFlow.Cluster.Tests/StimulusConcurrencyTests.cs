using System.Net;
using ChangeFlow.Cluster.Tests.Support;
using Xunit.Abstractions;

namespace ChangeFlow.Cluster.Tests;

/// <summary>Stimuli that race for one instance on two nodes: each is consumed once, and the join runs once.</summary>
public sealed class StimulusConcurrencyTests : IAsyncLifetime
{
    private const int Branches = 50;
    private readonly ITestOutputHelper _output;
    private TestCluster _cluster = null!;

    public StimulusConcurrencyTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public async Task InitializeAsync() => _cluster = await TestCluster.CreateAsync(_output, "join-50-events.json");

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Join_ConsumesEveryEventOnceAndRunsOnce_When50EventsArriveAtOnceOnTwoNodes()
    {
        var nodes = await _cluster.StartReadyNodesAsync(null, "node-a", "node-b");
        var id = await nodes[0].StartInstanceAsync("cluster-join-50-events");
        var events = Enumerable.Range(1, Branches).Select(i => $"event-{i:00}").ToList();
        var journal = await _cluster.ReadJournalAsync();
        Assert.All(events, e => Assert.Single(journal, r => r.ActivityId == e && r.Kind == "Suspended"));

        var answers = await Task.WhenAll(Enumerable.Range(1, Branches).Select(i => nodes[i % 2].PublishEventAsync($"join-event-{i:00}", id)));
        _output.WriteLine("answers: " + string.Join(", ", answers.GroupBy(a => a).Select(g => $"{(int)g.Key} x{g.Count()}")));
        Assert.All(answers, a => Assert.True(a is HttpStatusCode.OK or HttpStatusCode.Accepted, $"answered {(int)a}"));

        // A stimulus that lost every retry of the optimistic commit is retried by a job, so finishing may take a moment.
        await _cluster.WaitUntilAsync(
            async () => await _cluster.ScalarAsync<string>($"SELECT \"Status\" FROM workflow_instances WHERE \"Id\" = '{id}'") == "Finished",
            TimeSpan.FromSeconds(60),
            async () => $"status {await _cluster.ScalarAsync<string>($"SELECT \"Status\" FROM workflow_instances WHERE \"Id\" = '{id}'")}, "
                + $"{(await _cluster.ReadJournalAsync()).Count(r => r.Kind == "Resumed")} events consumed");

        journal = await _cluster.ReadJournalAsync();
        Assert.All(events, e => Assert.True(1 == journal.Count(r => r.ActivityId == e && r.Kind == "Resumed"), $"{e} was not consumed exactly once"));
        Assert.Equal(1, journal.Count(r => r is { ActivityId: "join", Kind: "Completed" }));
        Assert.Equal(1, journal.Count(r => r is { ActivityId: "joined", Kind: "Completed" }));
        Assert.Equal(1, journal.Count(r => r.Kind == "WorkflowFinished"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>("SELECT count(*) FROM workflow_stimuli WHERE \"Status\" = 'DeadLettered'"));
        Assert.Equal(0L, await _cluster.ScalarAsync<long>("SELECT count(*) FROM workflow_bookmarks"));
    }
}
