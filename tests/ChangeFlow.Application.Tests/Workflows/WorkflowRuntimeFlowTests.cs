using System.Text.Json.Nodes;
using ChangeFlow.Application.Tests.Support;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Activities;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Testing;

namespace ChangeFlow.Application.Tests.Workflows;

/// <summary>
/// The core life of an instance — start, suspend, resume, finish — and two nodes racing for one bookmark, on every
/// database provider: the subclasses below switch the provider, the tests stay the same.
/// </summary>
public abstract class WorkflowRuntimeFlowTests : RuntimeTestBase
{
    [Fact]
    public async Task DeliverAsync_ResumesTheInstanceToItsEnd_WhenItIsSuspendedOnTheEvent()
    {
        await Harness.PublishAsync("approval");

        var started = await Harness.StartAsync("approval", correlationId: "CHG0042");

        Assert.Equal(("approval", "approval:v1", 1, WorkflowStatus.Suspended, "CHG0042"), (started.DefinitionId, started.DefinitionVersionId, started.DefinitionVersion, started.Status, started.CorrelationId));
        var bookmark = Assert.Single((await Harness.StateAsync(started.Id)).Bookmarks);
        var hash = BookmarkHasher.Compute(Event.BookmarkName, Event.StimulusPayload("approved"));
        Assert.Equal(new[] { new BookmarkMatch(started.Id, bookmark.Id) }, await Harness.Instances.FindBookmarksAsync(hash, null, "CHG0042", Ct));

        var delivered = await Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved", new JsonObject { ["by"] = "cab" }), Ct);

        Assert.Equal(StimulusStatus.Delivered, delivered.Status);
        Assert.Equal(1, delivered.Resumed);
        Assert.Equal(new[] { started.Id }, delivered.InstanceIds);
        var finished = await Runtime.GetAsync(started.Id, Ct);
        Assert.Equal(WorkflowStatus.Finished, finished?.Status);
        Assert.Equal(T0, finished?.FinishedAt);
        var state = await Harness.StateAsync(started.Id);
        Assert.Equal("Approved", state.Variables["Outcome"]?.GetValue<string>());
        Assert.Equal("{\"by\":\"cab\"}", state.Variables["Approval"]?.ToJsonString());
        Assert.Empty(state.Bookmarks);
        Assert.Empty(await Harness.Instances.FindBookmarksAsync(hash, null, null, Ct));
        var journal = await Harness.JournalAsync(started.Id);
        Assert.Equal(
            new[]
            {
                (JournalEventKind.Completed, "start"),
                (JournalEventKind.Suspended, "wait-approval"),
                (JournalEventKind.Resumed, "wait-approval"),
                (JournalEventKind.Completed, "wait-approval"),
                (JournalEventKind.Completed, "record"),
                (JournalEventKind.Completed, "end"),
                (JournalEventKind.WorkflowFinished, ""),
            },
            journal.Select(j => (j.Kind, j.ActivityId)));
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(j => j.Sequence));
        var stimulus = await Harness.Stimuli.FindAsync(delivered.StimulusId, Ct);
        Assert.NotNull(stimulus);
        Assert.Equal((StimulusStatus.Delivered, 1, 1), (stimulus.Status, stimulus.Attempts, stimulus.ResumedCount));
        Assert.Empty(Jobs.Scheduled);
    }

    [Fact]
    public async Task FireTimerAsync_ResumesTheInstanceToItsEnd_WhenItsJobRunsAtTheDueInstant()
    {
        await Harness.PublishAsync("delay");
        var started = await Harness.StartAsync("delay");
        var job = Assert.Single(Jobs.Timers);
        Assert.Equal((started.Id, T0.AddHours(1)), (job.InstanceId, job.DueAt));
        Assert.Equal(WorkflowStatus.Suspended, started.Status);

        Clock.Advance(TimeSpan.FromHours(1));
        await Runtime.FireTimerAsync(job.InstanceId!, job.BookmarkId!, Ct);

        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal("Waited", await Harness.OutcomeAsync(started.Id));
        Assert.Empty(await Harness.TimersAsync());
        var resumed = Assert.Single(await Harness.JournalAsync(started.Id), j => j.Kind == JournalEventKind.Resumed);
        Assert.Equal(job.BookmarkId, resumed.Message);
        Assert.Equal(T0.AddHours(1), resumed.Timestamp);
    }

    [Fact]
    public async Task ResumeAsync_LetsExactlyOneNodeResume_WhenTwoNodesRaceForTheSameBookmark()
    {
        await Harness.PublishAsync("approval");
        var started = await Harness.StartAsync("approval");
        var bookmarkId = Assert.Single((await Harness.StateAsync(started.Id)).Bookmarks).Id;
        var rendezvous = new Rendezvous(2);
        var one = Harness.CreateNode(store => new RendezvousInstanceStore(store, rendezvous));
        var two = Harness.CreateNode(store => new RendezvousInstanceStore(store, rendezvous));

        var results = await Task.WhenAll(
            Task.Run(() => one.Runtime.ResumeAsync(started.Id, bookmarkId, new JsonObject { ["by"] = "one" }, Ct)),
            Task.Run(() => two.Runtime.ResumeAsync(started.Id, bookmarkId, new JsonObject { ["by"] = "two" }, Ct)));

        Assert.Equal(new[] { RuntimeOutcome.Ok, RuntimeOutcome.Rejected }, results.Select(r => r.Outcome).Order());
        var winner = results[0].Succeeded ? "one" : "two";
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Equal($"{{\"by\":\"{winner}\"}}", (await Harness.StateAsync(started.Id)).Variables["Approval"]?.ToJsonString());
        var journal = await Harness.JournalAsync(started.Id);
        Assert.Single(journal, j => j.Kind == JournalEventKind.Resumed);
        Assert.Single(journal, j => j.Kind == JournalEventKind.WorkflowFinished);
        Assert.Equal(journal.Count, journal.Select(j => j.Sequence).Distinct().Count());
    }

    [Fact]
    public async Task DeliverAsync_ResumesTheInstanceOnce_WhenTwoNodesDeliverTheSameEventAtOnce()
    {
        await Harness.PublishAsync("approval");
        var started = await Harness.StartAsync("approval");
        var rendezvous = new Rendezvous(2);
        var one = Harness.CreateNode(store => new RendezvousInstanceStore(store, rendezvous));
        var two = Harness.CreateNode(store => new RendezvousInstanceStore(store, rendezvous));

        var results = await Task.WhenAll(
            Task.Run(() => one.Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved"), Ct)),
            Task.Run(() => two.Runtime.DeliverAsync(RuntimeHarness.EventStimulus("approved"), Ct)));

        // Both found the bookmark; one resumed it, the other lost the commit and found it consumed, so its stimulus
        // waits for another bookmark like any other unmatched stimulus.
        Assert.Equal(new[] { StimulusStatus.Pending, StimulusStatus.Delivered }, results.Select(r => r.Status).Order());
        Assert.Equal(1, results.Sum(r => r.Resumed));
        Assert.Equal(WorkflowStatus.Finished, await Harness.StatusAsync(started.Id));
        Assert.Single(await Harness.JournalAsync(started.Id), j => j.Kind == JournalEventKind.Resumed);
        var retry = Assert.Single(Jobs.StimulusJobs);
        Assert.Equal(results.Single(r => r.Status == StimulusStatus.Pending).StimulusId, retry.StimulusId);
    }

    [Fact]
    public async Task ImportAsync_AddsOneVersion_WhenTwoNodesImportTheSameChangedFileAtOnce()
    {
        await Harness.PublishAsync("approval");
        var changed = JsonNode.Parse(RuntimeHarness.ReadWorkflow("approval"))!;
        changed["description"] = "Changed on disk while two nodes were starting.";
        var json = changed.ToJsonString();
        var one = Harness.CreateNode();
        var two = Harness.CreateNode();

        var outcomes = await Task.WhenAll(
            Task.Run(() => one.Definitions.ImportAsync(json, "file:approval.json", publish: true, Ct)),
            Task.Run(() => two.Definitions.ImportAsync(json, "file:approval.json", publish: true, Ct)));

        Assert.Equal(new[] { "added", "unchanged" }, outcomes.Select(o => o.Result).Order(StringComparer.Ordinal));
        Assert.All(outcomes, o => Assert.Equal(2, o.Version));
        var versions = await Harness.Node.DefinitionStore.ListVersionsAsync("approval", Ct);
        Assert.Equal(new[] { (1, false, false), (2, true, true) }, versions.Select(v => (v.Version, v.IsLatest, v.IsPublished)));
    }
}

public sealed class SqliteWorkflowRuntimeFlowTests : WorkflowRuntimeFlowTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgreSqlWorkflowRuntimeFlowTests : WorkflowRuntimeFlowTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
