using System.Text.Json.Nodes;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Engine.Ports;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Tests.Stores;

/// <summary>
/// What every database provider must do for the definition, instance and stimulus stores. Each provider runs the same
/// tests through a subclass that hands in its database; the tests of a class share that database, so each uses ids
/// of its own, and tests that list across instances use instants no other test uses (1990).
/// </summary>
public abstract class WorkflowStoreContractTests
{
    private static readonly DateTimeOffset T0 = EngineFixture.StartInstant;

    protected WorkflowStoreContractTests(TestDatabase database)
    {
        Database = database;
        var factory = database.CreateFactory();
        Definitions = new EfWorkflowDefinitionStore(factory);
        Instances = new EfWorkflowInstanceStore(factory);
        Stimuli = new EfStimulusStore(factory);
    }

    protected TestDatabase Database { get; }

    protected IWorkflowDefinitionStore Definitions { get; }

    protected IWorkflowInstanceStore Instances { get; }

    protected IStimulusStore Stimuli { get; }

    private static CancellationToken Ct => CancellationToken.None;

    // ---- Definitions ----

    [Fact]
    public async Task AddVersionAsync_MovesTheLatestAndPublishedFlags_WhenVersionsAreAdded()
    {
        var id = NewId("def");

        await Definitions.AddVersionAsync(Version(id, 1, published: true), publish: true, Ct);
        await Definitions.AddVersionAsync(Version(id, 2, published: true), publish: true, Ct);
        await Definitions.AddVersionAsync(Version(id, 3), publish: false, Ct);

        var versions = await Definitions.ListVersionsAsync(id, Ct);
        Assert.Equal(new[] { 1, 2, 3 }, versions.Select(v => v.Version));
        Assert.Equal(new[] { false, false, true }, versions.Select(v => v.IsLatest));
        Assert.Equal(new[] { false, true, false }, versions.Select(v => v.IsPublished));
        Assert.Equal(2, (await Definitions.FindPublishedAsync(id, Ct))?.Version);
        Assert.Equal(3, (await Definitions.FindLatestAsync(id, Ct))?.Version);
        var latest = Assert.Single(await Definitions.ListLatestAsync(Ct), v => v.DefinitionId == id);
        Assert.Equal(3, latest.Version);
        Assert.Null(await Definitions.FindVersionAsync(id + ":v4", Ct));
        Assert.Null(await Definitions.FindPublishedAsync(NewId("unknown"), Ct));
    }

    [Fact]
    public async Task AddVersionAsync_ThrowsConcurrencyConflict_AndChangesNoFlag_WhenTheVersionNumberIsTaken()
    {
        var id = NewId("def");
        await Definitions.AddVersionAsync(Version(id, 1, published: true), publish: true, Ct);
        await Definitions.AddVersionAsync(Version(id, 2), publish: false, Ct);

        // Another writer's version 2 (its own version id, same number), published.
        var duplicate = Version(id, 2, published: true) with { Id = id + ":v2-other-node" };
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Definitions.AddVersionAsync(duplicate, publish: true, Ct));

        var versions = await Definitions.ListVersionsAsync(id, Ct);
        Assert.Equal(new[] { id + ":v1", id + ":v2" }, versions.Select(v => v.Id));
        Assert.Equal(new[] { false, true }, versions.Select(v => v.IsLatest));
        Assert.Equal(new[] { true, false }, versions.Select(v => v.IsPublished));
    }

    [Fact]
    public async Task UpdateDraftAsync_ThrowsConcurrencyConflict_AndKeepsTheJson_WhenTheVersionIsPublished()
    {
        var id = NewId("def");
        var published = Version(id, 1, published: true, json: "{\"text\":\"v1\"}");
        await Definitions.AddVersionAsync(published, publish: true, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => Definitions.UpdateDraftAsync(published with { Json = "{\"text\":\"changed\"}", ContentHash = "changed", IsPublished = false }, Ct));

        var stored = await Definitions.FindVersionAsync(published.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal("{\"text\":\"v1\"}", stored.Json);
        Assert.Equal(published.ContentHash, stored.ContentHash);
        Assert.True(stored.IsPublished);
    }

    [Fact]
    public async Task UpdateDraftAsync_ThrowsConcurrencyConflict_WhenTheVersionWasPublishedBefore_AndAnotherIsPublishedNow()
    {
        var id = NewId("def");
        var first = Version(id, 1, published: true, json: "{\"text\":\"v1\"}");
        await Definitions.AddVersionAsync(first, publish: true, Ct);
        await Definitions.AddVersionAsync(Version(id, 2, published: true, json: "{\"text\":\"v2\"}"), publish: true, Ct);
        Assert.False((await Definitions.FindVersionAsync(first.Id, Ct))!.IsPublished);

        // Instances may still run on version 1: once published, a version never changes again.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(
            () => Definitions.UpdateDraftAsync(first with { Json = "{\"text\":\"changed\"}", ContentHash = "changed", IsPublished = false }, Ct));
        Assert.Equal("{\"text\":\"v1\"}", (await Definitions.FindVersionAsync(first.Id, Ct))!.Json);
    }

    [Fact]
    public async Task UpdateDraftAsync_ThrowsConcurrencyConflict_WhenTheVersionDoesNotExist()
    {
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Definitions.UpdateDraftAsync(Version(NewId("def"), 1), Ct));
    }

    [Fact]
    public async Task UpdateDraftAsync_ReplacesJsonHashNameAndDescription_WhenTheVersionIsADraft()
    {
        var id = NewId("def");
        await Definitions.AddVersionAsync(Version(id, 1, published: true, json: "{\"text\":\"v1\"}"), publish: true, Ct);
        var draft = Version(id, 2, json: "{\"text\":\"draft\"}");
        await Definitions.AddVersionAsync(draft, publish: false, Ct);

        await Definitions.UpdateDraftAsync(draft with { Json = "{\"text\":\"edited\"}", ContentHash = "edited-hash", Name = "Edited", Description = "Edited text" }, Ct);

        var stored = await Definitions.FindVersionAsync(draft.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal("{\"text\":\"edited\"}", stored.Json);
        Assert.Equal("edited-hash", stored.ContentHash);
        Assert.Equal("Edited", stored.Name);
        Assert.Equal("Edited text", stored.Description);
        Assert.True(stored.IsLatest);
        Assert.False(stored.IsPublished);
        Assert.Equal("{\"text\":\"v1\"}", (await Definitions.FindPublishedAsync(id, Ct))?.Json);
    }

    [Fact]
    public async Task PublishAsync_PublishesAnOlderVersion_AndUnpublishesTheCurrentOne()
    {
        var id = NewId("def");
        await Definitions.AddVersionAsync(Version(id, 1, published: true), publish: true, Ct);
        await Definitions.AddVersionAsync(Version(id, 2, published: true), publish: true, Ct);
        var at = T0.AddHours(2);

        await Definitions.PublishAsync(id + ":v1", at, Ct);

        var published = await Definitions.FindPublishedAsync(id, Ct);
        Assert.NotNull(published);
        Assert.Equal(1, published.Version);
        Assert.Equal(at, published.PublishedAt);
        var versions = await Definitions.ListVersionsAsync(id, Ct);
        Assert.Equal(new[] { true, false }, versions.Select(v => v.IsPublished));
        Assert.Equal(new[] { false, true }, versions.Select(v => v.IsLatest));
    }

    [Fact]
    public async Task PublishAsync_PublishesADraft_AndUnpublishesThePreviousVersion()
    {
        var id = NewId("def");
        await Definitions.AddVersionAsync(Version(id, 1, published: true), publish: true, Ct);
        await Definitions.AddVersionAsync(Version(id, 2), publish: false, Ct);

        await Definitions.PublishAsync(id + ":v2", T0.AddMinutes(5), Ct);

        Assert.Equal(2, (await Definitions.FindPublishedAsync(id, Ct))?.Version);
        Assert.Equal(new[] { false, true }, (await Definitions.ListVersionsAsync(id, Ct)).Select(v => v.IsPublished));
    }

    // ---- Instances ----

    [Fact]
    public async Task CommitAsync_InsertsANewInstance_ThatLoadAsyncReturnsAtVersionOne()
    {
        var state = NewState(correlationId: "CHG0042");
        state.Variables["Outcome"] = "Pending";
        state.Input["risk"] = 7;
        var wait = EventBookmark(state, NewId("event"));
        var timer = TimerBookmark(state, T0.AddHours(1));

        var version = await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);

        Assert.Equal(1, version);
        var snapshot = await Instances.LoadAsync(state.Id, Ct);
        Assert.NotNull(snapshot);
        Assert.Equal(1, snapshot.Version);
        Assert.Equal(state.DefinitionVersionId, snapshot.State.DefinitionVersionId);
        Assert.Equal("CHG0042", snapshot.State.CorrelationId);
        Assert.Equal(WorkflowStatus.Suspended, snapshot.State.Status);
        Assert.Equal("Pending", snapshot.State.Variables["Outcome"]?.GetValue<string>());
        Assert.Equal(7, snapshot.State.Input["risk"]?.GetValue<int>());
        Assert.Equal(new[] { wait.Id, timer.Id }, snapshot.State.Bookmarks.Select(b => b.Id));
        Assert.Equal(timer.DueAt, snapshot.State.FindBookmark(timer.Id)?.DueAt);
        var jobs = Assert.Single(snapshot.TimerJobIds);
        Assert.Equal(timer.Id, jobs.Key);
        Assert.Null(jobs.Value);
        Assert.Null(await Instances.LoadAsync(NewId("missing"), Ct));
    }

    [Fact]
    public async Task CommitAsync_UpdatesTheInstance_WhenTheExpectedVersionMatches()
    {
        var state = NewState();
        EventBookmark(state, NewId("event"));
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);

        var loaded = (await Instances.LoadAsync(state.Id, Ct))!;
        loaded.State.Bookmarks.Clear();
        loaded.State.Status = WorkflowStatus.Finished;
        loaded.State.UpdatedAt = T0.AddMinutes(10);
        loaded.State.FinishedAt = T0.AddMinutes(10);
        var version = await Instances.CommitAsync(new InstanceCommit { State = loaded.State, ExpectedVersion = loaded.Version }, Ct);

        Assert.Equal(2, version);
        var snapshot = await Instances.LoadAsync(state.Id, Ct);
        Assert.Equal(2, snapshot?.Version);
        Assert.Equal(WorkflowStatus.Finished, snapshot?.State.Status);
        Assert.Empty(snapshot!.State.Bookmarks);
        var summary = await Instances.GetSummaryAsync(state.Id, Ct);
        Assert.Equal(WorkflowStatus.Finished, summary?.Status);
        Assert.Equal(T0.AddMinutes(10), summary?.UpdatedAt);
        Assert.Equal(T0.AddMinutes(10), summary?.FinishedAt);
    }

    [Fact]
    public async Task CommitAsync_ThrowsConcurrencyConflict_AndWritesNothing_WhenTheExpectedVersionIsStale()
    {
        var state = NewState();
        var wait = EventBookmark(state, NewId("event"));
        Journal(state, JournalEventKind.Suspended, "wait");
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);
        var first = (await Instances.LoadAsync(state.Id, Ct))!;
        var second = (await Instances.LoadAsync(state.Id, Ct))!;

        first.State.Variables["Winner"] = "first";
        Journal(first.State, JournalEventKind.Completed, "first");
        await Instances.CommitAsync(new InstanceCommit { State = first.State, ExpectedVersion = first.Version }, Ct);

        // The loser changes everything a commit can write.
        var loser = second.State;
        loser.Variables["Winner"] = "second";
        loser.Status = WorkflowStatus.Finished;
        loser.Bookmarks.Clear();
        var newEventName = NewId("event");
        var added = EventBookmark(loser, newEventName);
        Journal(loser, JournalEventKind.Completed, "second");
        loser.Incidents.Add(NewIncident("boom"));
        var stimulus = NewStimulus(NewId("stimulus"), T0);
        var commit = new InstanceCommit
        {
            State = loser,
            ExpectedVersion = second.Version,
            Emails = [Email(loser.Id, "lost")],
            Stimuli = [stimulus],
        };
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Instances.CommitAsync(commit, Ct));

        var snapshot = await Instances.LoadAsync(state.Id, Ct);
        Assert.Equal(2, snapshot?.Version);
        Assert.Equal("first", snapshot?.State.Variables["Winner"]?.GetValue<string>());
        Assert.Equal(WorkflowStatus.Suspended, snapshot?.State.Status);
        Assert.Equal(new[] { wait.Id }, snapshot!.State.Bookmarks.Select(b => b.Id));
        Assert.Equal(new[] { wait.Id }, await StoredBookmarkIdsAsync(state.Id));
        Assert.Empty(await Instances.FindBookmarksAsync(added.Hash, null, null, Ct));
        Assert.Equal(new[] { "wait", "first" }, (await Instances.GetJournalAsync(state.Id, Ct)).Select(j => j.ActivityId));
        Assert.Empty(await Instances.GetIncidentsAsync(state.Id, Ct));
        Assert.Equal(0, (await Instances.GetSummaryAsync(state.Id, Ct))?.IncidentCount);
        Assert.Empty(await OutboxOfAsync(state.Id));
        Assert.Null(await Stimuli.FindAsync(stimulus.Id, Ct));
    }

    [Fact]
    public async Task CommitAsync_CommitsExactlyOneOfEachRace_AndEveryUncontestedCommit_WhenManyRunsCommitAtOnce()
    {
        // On SQLite the commits below are written in groups (one transaction, a savepoint each); on PostgreSQL each has
        // its own transaction. Either way the losers of a race, and only they, fail, and they leave nothing behind.
        var states = Enumerable.Range(0, 24).Select(_ => NewState()).ToList();
        foreach (var state in states)
        {
            Journal(state, JournalEventKind.Suspended, "wait");
        }

        await Task.WhenAll(states.Select(s => Task.Run(() => Instances.CommitAsync(new InstanceCommit { State = s }, Ct))));
        // Every runner reads version 1 before any of them commits.
        var runs = new List<(string InstanceId, string Runner, InstanceSnapshot Loaded)>();
        foreach (var state in states)
        {
            for (var runner = 0; runner < 3; runner++)
            {
                var loaded = (await Instances.LoadAsync(state.Id, Ct))!;
                var name = "runner-" + runner;
                loaded.State.Variables["Winner"] = name;
                Journal(loaded.State, JournalEventKind.Completed, name);
                runs.Add((state.Id, name, loaded));
            }
        }

        var attempts = runs.ConvertAll(r => (r.InstanceId, r.Runner, Commit: Task.Run(() => Instances.CommitAsync(new InstanceCommit { State = r.Loaded.State, ExpectedVersion = r.Loaded.Version }, Ct))));

        await Task.WhenAll(attempts.Select(a => a.Commit.ContinueWith(_ => { }, TaskScheduler.Default)));

        foreach (var race in attempts.GroupBy(a => a.InstanceId))
        {
            var winner = Assert.Single(race, a => a.Commit.IsCompletedSuccessfully);
            Assert.Equal(2, await winner.Commit);
            Assert.All(race.Where(a => a != winner), a => Assert.IsType<ConcurrencyConflictException>(a.Commit.Exception?.InnerException));
            var snapshot = (await Instances.LoadAsync(race.Key, Ct))!;
            Assert.Equal((2L, winner.Runner), (snapshot.Version, snapshot.State.Variables["Winner"]?.GetValue<string>()));
            Assert.Equal(new[] { "wait", winner.Runner }, (await Instances.GetJournalAsync(race.Key, Ct)).Select(j => j.ActivityId));
        }
    }

    [Fact]
    public async Task CommitAsync_DeletesRemovedBookmarks_AddsNewOnes_AndKeepsTheJobIdOfTheRest()
    {
        var state = NewState();
        var timer = TimerBookmark(state, T0.AddHours(1));
        var consumed = EventBookmark(state, NewId("event"));
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);
        await Instances.SetTimerJobIdAsync(timer.Id, "job-7", Ct);

        var loaded = (await Instances.LoadAsync(state.Id, Ct))!;
        loaded.State.Bookmarks.RemoveAll(b => b.Id == consumed.Id);
        var added = EventBookmark(loaded.State, NewId("event"));
        await Instances.CommitAsync(new InstanceCommit { State = loaded.State, ExpectedVersion = loaded.Version }, Ct);

        Assert.Equal(new[] { added.Id, timer.Id }.Order(StringComparer.Ordinal), (await StoredBookmarkIdsAsync(state.Id)).Order(StringComparer.Ordinal));
        var snapshot = await Instances.LoadAsync(state.Id, Ct);
        Assert.Equal("job-7", snapshot?.TimerJobIds[timer.Id]);
        Assert.Empty(await Instances.FindBookmarksAsync(consumed.Hash, state.Id, null, Ct));
        Assert.Equal(new[] { new BookmarkMatch(state.Id, added.Id) }, await Instances.FindBookmarksAsync(added.Hash, state.Id, null, Ct));
        var due = Assert.Single(await Instances.ListDueTimersAsync(T0.AddHours(1), 1000, Ct), t => t.InstanceId == state.Id);
        Assert.Equal(new TimerBookmark(state.Id, timer.Id, T0.AddHours(1), "job-7"), due);
    }

    [Fact]
    public async Task FindBookmarksAsync_MatchesTheHash_FilteredByInstanceOrCorrelationId()
    {
        var eventName = NewId("approved");
        var correlationA = NewId("CHG");
        var correlationB = NewId("CHG");
        var x = NewState(correlationId: correlationA);
        var bx = EventBookmark(x, eventName, T0);
        var y = NewState(correlationId: correlationB);
        var by = EventBookmark(y, eventName, T0.AddMinutes(1));
        var z = NewState(correlationId: correlationA);
        EventBookmark(z, NewId("other"), T0);
        foreach (var state in new[] { y, x, z })
        {
            await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);
        }

        var hash = bx.Hash;
        Assert.Equal(by.Hash, hash);
        Assert.Equal(new[] { new BookmarkMatch(x.Id, bx.Id), new BookmarkMatch(y.Id, by.Id) }, await Instances.FindBookmarksAsync(hash, null, null, Ct));
        Assert.Equal(new[] { new BookmarkMatch(y.Id, by.Id) }, await Instances.FindBookmarksAsync(hash, y.Id, null, Ct));
        Assert.Equal(new[] { new BookmarkMatch(x.Id, bx.Id) }, await Instances.FindBookmarksAsync(hash, null, correlationA, Ct));
        Assert.Equal(new[] { new BookmarkMatch(y.Id, by.Id) }, await Instances.FindBookmarksAsync(hash, y.Id, correlationB, Ct));
        Assert.Empty(await Instances.FindBookmarksAsync(hash, x.Id, correlationB, Ct));
        Assert.Empty(await Instances.FindBookmarksAsync(hash, z.Id, null, Ct));
    }

    [Fact]
    public async Task ListDueTimersAsync_ReturnsTimersDueByTheInstant_EarliestFirst()
    {
        var day = new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var p = NewState();
        var p3 = TimerBookmark(p, day.AddDays(2));
        var p1 = TimerBookmark(p, day);
        EventBookmark(p, NewId("event"));
        var q = NewState();
        var q2 = TimerBookmark(q, day.AddDays(1));
        TimerBookmark(q, day.AddMonths(1));
        await Instances.CommitAsync(new InstanceCommit { State = p }, Ct);
        await Instances.CommitAsync(new InstanceCommit { State = q }, Ct);
        await Instances.SetTimerJobIdAsync(q2.Id, "job-q2", Ct);

        var due = await Instances.ListDueTimersAsync(day.AddDays(2), 10, Ct);

        Assert.Equal(
            new[]
            {
                new TimerBookmark(p.Id, p1.Id, day, null),
                new TimerBookmark(q.Id, q2.Id, day.AddDays(1), "job-q2"),
                new TimerBookmark(p.Id, p3.Id, day.AddDays(2), null),
            },
            due);
        Assert.Equal(new[] { p1.Id, q2.Id }, (await Instances.ListDueTimersAsync(day.AddDays(2), 2, Ct)).Select(t => t.BookmarkId));
    }

    [Fact]
    public async Task CommitAsync_KeepsTheNewestJournalEntriesOnly_WhenTheInstanceHasALimit()
    {
        var state = NewState();
        for (var i = 0; i < 7; i++)
        {
            Journal(state, JournalEventKind.Completed, "a" + i, null);
        }

        EventBookmark(state, NewId("event"));
        await Instances.CommitAsync(new InstanceCommit { State = state, JournalLimit = 5 }, Ct);
        Assert.Equal(new long[] { 3, 4, 5, 6, 7 }, (await Instances.GetJournalAsync(state.Id, Ct)).Select(j => j.Sequence));

        var loaded = (await Instances.LoadAsync(state.Id, Ct))!;
        Journal(loaded.State, JournalEventKind.Resumed, "wait", null);
        Journal(loaded.State, JournalEventKind.Completed, "b", null);
        await Instances.CommitAsync(new InstanceCommit { State = loaded.State, ExpectedVersion = loaded.Version, JournalLimit = 5 }, Ct);

        Assert.Equal(new long[] { 5, 6, 7, 8, 9 }, (await Instances.GetJournalAsync(state.Id, Ct)).Select(j => j.Sequence));
        Assert.Equal(new long[] { 7, 8 }, (await Instances.GetJournalAsync(state.Id, 6, 2, Ct)).Select(j => j.Sequence));
        Assert.Empty(await Instances.GetJournalAsync(state.Id, 9, 10, Ct));
    }

    [Fact]
    public async Task CommitAsync_AppendsJournalRows_AndKeepsThemOutOfTheStateJson()
    {
        var marker = NewId("journal-marker");
        var state = NewState();
        Journal(state, JournalEventKind.Completed, "start", marker, ["Done"]);
        Journal(state, JournalEventKind.Suspended, "wait", marker);
        EventBookmark(state, NewId("event"));
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);

        var loaded = (await Instances.LoadAsync(state.Id, Ct))!;
        Assert.Empty(loaded.State.Journal);
        Assert.Equal(3, loaded.State.NextSequence);
        Journal(loaded.State, JournalEventKind.Resumed, "wait", marker);
        Journal(loaded.State, JournalEventKind.WorkflowFinished, "", marker);
        await Instances.CommitAsync(new InstanceCommit { State = loaded.State, ExpectedVersion = loaded.Version }, Ct);

        var journal = await Instances.GetJournalAsync(state.Id, Ct);
        Assert.Equal(new long[] { 1, 2, 3, 4 }, journal.Select(j => j.Sequence));
        Assert.Equal(
            new[] { JournalEventKind.Completed, JournalEventKind.Suspended, JournalEventKind.Resumed, JournalEventKind.WorkflowFinished },
            journal.Select(j => j.Kind));
        Assert.Equal(new[] { "start", "wait", "wait", "" }, journal.Select(j => j.ActivityId));
        Assert.Equal(new[] { "Done" }, journal[0].Outcomes);
        Assert.Null(journal[1].Outcomes);
        Assert.All(journal, j => Assert.Equal(marker, j.Message));
        Assert.All(journal, j => Assert.Equal("Elsa.Test", j.ActivityType));
        await using var db = Database.CreateContext();
        var stateJson = await db.Instances.Where(i => i.Id == state.Id).Select(i => i.StateJson).SingleAsync();
        Assert.DoesNotContain(marker, stateJson, StringComparison.Ordinal);
        Assert.Equal(5, JsonNode.Parse(stateJson)?["nextSequence"]?.GetValue<long>());
    }

    [Fact]
    public async Task CommitAsync_AppendsEachIncidentOnce_WhenLaterCommitsCarryTheEarlierOnes()
    {
        var state = NewState();
        state.Incidents.Add(NewIncident("first"));
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);

        var loaded = (await Instances.LoadAsync(state.Id, Ct))!;
        Assert.Single(loaded.State.Incidents);
        loaded.State.Incidents.Add(NewIncident("second"));
        await Instances.CommitAsync(new InstanceCommit { State = loaded.State, ExpectedVersion = loaded.Version }, Ct);
        var again = (await Instances.LoadAsync(state.Id, Ct))!;
        await Instances.CommitAsync(new InstanceCommit { State = again.State, ExpectedVersion = again.Version }, Ct);

        var incidents = await Instances.GetIncidentsAsync(state.Id, Ct);
        Assert.Equal(new[] { "first", "second" }, incidents.Select(i => i.Message));
        Assert.Equal("E42", incidents[0].Code);
        Assert.Equal("fault", incidents[0].ActivityId);
        Assert.Equal("Elsa.Fault", incidents[0].ActivityType);
        Assert.Equal(2, (await Instances.GetSummaryAsync(state.Id, Ct))?.IncidentCount);
    }

    [Fact]
    public async Task CommitAsync_WritesOutboxMessages_InTheSameCommit()
    {
        var state = NewState();
        await Instances.CommitAsync(new InstanceCommit { State = state, Emails = [Email(state.Id, "one"), Email(state.Id, "two")] }, Ct);

        var outbox = await OutboxOfAsync(state.Id);
        Assert.Equal(new[] { "one", "two" }, outbox.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.All(outbox, m => Assert.Equal("Pending", m.Status));
        Assert.All(outbox, m => Assert.Equal("[{\"address\":\"cab@example.org\",\"name\":null},{\"address\":\"oncall@example.org\",\"name\":null}]", m.To));
        Assert.All(outbox, m => Assert.Equal("send", m.ActivityId));
        Assert.Equal(2, outbox.Select(m => m.Id).Distinct().Count());

        var loaded = (await Instances.LoadAsync(state.Id, Ct))!;
        await Instances.CommitAsync(new InstanceCommit { State = loaded.State, ExpectedVersion = loaded.Version, Emails = [Email(state.Id, "three")] }, Ct);
        Assert.Equal(3, (await OutboxOfAsync(state.Id)).Count);
    }

    [Fact]
    public async Task CommitAsync_WritesStimuli_InTheSameCommit()
    {
        var state = NewState();
        var local = NewStimulus(NewId("ready"), T0, instanceId: state.Id);
        var global = NewStimulus(NewId("go"), T0);

        await Instances.CommitAsync(new InstanceCommit { State = state, Stimuli = [local, global] }, Ct);

        var storedLocal = await Stimuli.FindAsync(local.Id, Ct);
        Assert.NotNull(storedLocal);
        Assert.Equal(StimulusStatus.Pending, storedLocal.Status);
        Assert.Equal(state.Id, storedLocal.InstanceId);
        Assert.Equal(local.Hash, storedLocal.Hash);
        Assert.Equal(local.Input?.ToJsonString(), storedLocal.Input?.ToJsonString());
        Assert.Equal(StimulusStatus.Pending, (await Stimuli.FindAsync(global.Id, Ct))?.Status);
    }

    [Fact]
    public async Task ListAsync_FiltersByDefinitionStatusAndCorrelationId_AndPagesNewestFirst()
    {
        var definitionId = NewId("listed");
        var correlationA = NewId("CHG");
        var correlationB = NewId("CHG");
        var statuses = new[] { WorkflowStatus.Suspended, WorkflowStatus.Finished, WorkflowStatus.Suspended, WorkflowStatus.Finished, WorkflowStatus.Suspended };
        var ids = new List<string>();
        for (var i = 0; i < statuses.Length; i++)
        {
            var state = NewState(definitionId: definitionId, correlationId: i < 2 ? correlationA : correlationB, status: statuses[i], createdAt: T0.AddMinutes(i));
            ids.Add(state.Id);
            await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);
        }

        var all = await Instances.ListAsync(new InstanceQuery(DefinitionId: definitionId), Ct);
        Assert.Equal(5, all.Total);
        Assert.Equal(new[] { ids[4], ids[3], ids[2], ids[1], ids[0] }, all.Items.Select(s => s.Id));

        var page = await Instances.ListAsync(new InstanceQuery(DefinitionId: definitionId, Skip: 1, Take: 2), Ct);
        Assert.Equal((5, 1, 2), (page.Total, page.Skip, page.Take));
        Assert.Equal(new[] { ids[3], ids[2] }, page.Items.Select(s => s.Id));

        var finished = await Instances.ListAsync(new InstanceQuery(DefinitionId: definitionId, Status: WorkflowStatus.Finished), Ct);
        Assert.Equal(2, finished.Total);
        Assert.Equal(new[] { ids[3], ids[1] }, finished.Items.Select(s => s.Id));

        var correlated = await Instances.ListAsync(new InstanceQuery(CorrelationId: correlationA), Ct);
        Assert.Equal(new[] { ids[1], ids[0] }, correlated.Items.Select(s => s.Id));

        var combined = await Instances.ListAsync(new InstanceQuery(DefinitionId: definitionId, Status: WorkflowStatus.Suspended, CorrelationId: correlationB), Ct);
        Assert.Equal(2, combined.Total);
        Assert.Equal(new[] { ids[4], ids[2] }, combined.Items.Select(s => s.Id));

        var beyond = await Instances.ListAsync(new InstanceQuery(DefinitionId: definitionId, Skip: 5, Take: 2), Ct);
        Assert.Equal(5, beyond.Total);
        Assert.Empty(beyond.Items);
    }

    [Fact]
    public async Task GetSummaryAsync_ReturnsTheInstanceColumns_AndNullForAnUnknownInstance()
    {
        var state = NewState(definitionId: "summary-def", correlationId: "CHG0007", createdAt: T0.AddSeconds(3));
        state.UpdatedAt = T0.AddSeconds(4);
        state.Incidents.Add(NewIncident("one"));
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);

        var summary = await Instances.GetSummaryAsync(state.Id, Ct);

        Assert.Equal(
            new InstanceSummary(state.Id, "summary-def", "summary-def:v3", 3, "CHG0007", WorkflowStatus.Suspended, 1, T0.AddSeconds(3), T0.AddSeconds(4), null),
            summary);
        Assert.Null(await Instances.GetSummaryAsync(NewId("missing"), Ct));
    }

    // ---- Stimuli ----

    [Fact]
    public async Task AddAsync_StoresAStimulus_ThatFindAsyncReturns()
    {
        var stimulus = NewStimulus(NewId("approved"), T0, instanceId: "instance-1", correlationId: "CHG0042");

        await Stimuli.AddAsync(stimulus, Ct);

        var stored = await Stimuli.FindAsync(stimulus.Id, Ct);
        Assert.NotNull(stored);
        Assert.Equal(stimulus.Name, stored.Name);
        Assert.Equal(stimulus.Hash, stored.Hash);
        Assert.Equal(stimulus.Payload?.ToJsonString(), stored.Payload?.ToJsonString());
        Assert.Equal("{\"approvedBy\":\"cab\"}", stored.Input?.ToJsonString());
        Assert.Equal("instance-1", stored.InstanceId);
        Assert.Equal("CHG0042", stored.CorrelationId);
        Assert.Equal(StimulusStatus.Pending, stored.Status);
        Assert.Equal((0, 0, 0L), (stored.Attempts, stored.ResumedCount, stored.Version));
        Assert.Equal(T0, stored.CreatedAt);
        Assert.Equal(T0, stored.NextAttemptAt);
        Assert.Null(stored.CompletedAt);
        Assert.Null(await Stimuli.FindAsync(NewId("missing"), Ct));
    }

    [Fact]
    public async Task UpdateAsync_SavesTheBookkeeping_AndThrowsConcurrencyConflict_WhenTheVersionIsStale()
    {
        var stimulus = NewStimulus(NewId("approved"), T0);
        await Stimuli.AddAsync(stimulus, Ct);
        var first = (await Stimuli.FindAsync(stimulus.Id, Ct))!;
        var second = (await Stimuli.FindAsync(stimulus.Id, Ct))!;

        first.Attempts = 1;
        first.ResumedCount = 2;
        first.Status = StimulusStatus.Delivered;
        first.CompletedAt = T0.AddSeconds(1);
        first.LastError = null;
        await Stimuli.UpdateAsync(first, Ct);
        Assert.Equal(1, first.Version);

        second.Attempts = 1;
        second.NextAttemptAt = T0.AddSeconds(30);
        second.LastError = "No open bookmark matched yet.";
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Stimuli.UpdateAsync(second, Ct));

        var stored = (await Stimuli.FindAsync(stimulus.Id, Ct))!;
        Assert.Equal(StimulusStatus.Delivered, stored.Status);
        Assert.Equal((1, 2, 1L), (stored.Attempts, stored.ResumedCount, stored.Version));
        Assert.Equal(T0.AddSeconds(1), stored.CompletedAt);
        Assert.Equal(T0, stored.NextAttemptAt);
        Assert.Null(stored.LastError);

        stored.Attempts = 2;
        await Stimuli.UpdateAsync(stored, Ct);
        Assert.Equal(2, (await Stimuli.FindAsync(stimulus.Id, Ct))?.Version);
    }

    [Fact]
    public async Task ListPendingAsync_ReturnsPendingStimuliDueByTheInstant_EarliestFirst()
    {
        var day = new DateTimeOffset(1990, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var second = NewStimulus(NewId("s"), day, nextAttemptAt: day.AddDays(1));
        var first = NewStimulus(NewId("s"), day, nextAttemptAt: day);
        var later = NewStimulus(NewId("s"), day, nextAttemptAt: day.AddMonths(1));
        var delivered = NewStimulus(NewId("s"), day, nextAttemptAt: day, status: StimulusStatus.Delivered);
        var dead = NewStimulus(NewId("s"), day, nextAttemptAt: day, status: StimulusStatus.DeadLettered);
        foreach (var stimulus in new[] { second, first, later, delivered, dead })
        {
            await Stimuli.AddAsync(stimulus, Ct);
        }

        Assert.Equal(new[] { first.Id, second.Id }, (await Stimuli.ListPendingAsync(day.AddDays(1), 10, Ct)).Select(s => s.Id));
        Assert.Equal(new[] { first.Id }, (await Stimuli.ListPendingAsync(day.AddDays(1), 1, Ct)).Select(s => s.Id));
    }

    [Fact]
    public async Task ListDeadLetteredAsync_ReturnsOnlyDeadLetteredStimuli_NewestFirst()
    {
        var older = NewStimulus(NewId("dead"), T0, status: StimulusStatus.DeadLettered);
        var newer = NewStimulus(NewId("dead"), T0.AddMinutes(1), status: StimulusStatus.DeadLettered);
        var pending = NewStimulus(NewId("pending"), T0.AddMinutes(2));
        foreach (var stimulus in new[] { older, newer, pending })
        {
            await Stimuli.AddAsync(stimulus, Ct);
        }

        var listed = await Stimuli.ListDeadLetteredAsync(100, Ct);

        Assert.Equal(new[] { newer.Id, older.Id }, listed.Where(s => s.Id == older.Id || s.Id == newer.Id).Select(s => s.Id));
        Assert.DoesNotContain(listed, s => s.Status != StimulusStatus.DeadLettered);
        Assert.Equal(new[] { newer.Id }, (await Stimuli.ListDeadLetteredAsync(1, Ct)).Select(s => s.Id));
    }

    // ---- Instants ----

    [Fact]
    public async Task Stores_ReturnTheSameInstantInUtc_WhenGivenAnInstantWithAnOffset()
    {
        // 10:15:30.123456 at +02:00, i.e. 08:15:30.123456 UTC: to the microsecond, the finest both providers keep.
        var at = new DateTimeOffset(2026, 5, 3, 10, 15, 30, TimeSpan.FromHours(2)).AddTicks(1_234_560);

        var id = NewId("def");
        await Definitions.AddVersionAsync(Version(id, 1, published: true) with { CreatedAt = at, PublishedAt = at.AddSeconds(1) }, publish: true, Ct);
        var definition = (await Definitions.FindVersionAsync(id + ":v1", Ct))!;
        AssertSameInstantInUtc(at, definition.CreatedAt);
        AssertSameInstantInUtc(at.AddSeconds(1), definition.PublishedAt!.Value);
        await Definitions.PublishAsync(id + ":v1", at.AddSeconds(2), Ct);
        AssertSameInstantInUtc(at.AddSeconds(2), (await Definitions.FindPublishedAsync(id, Ct))!.PublishedAt!.Value);

        var state = NewState(createdAt: at);
        state.UpdatedAt = at.AddSeconds(3);
        state.FinishedAt = at.AddSeconds(4);
        var timer = TimerBookmark(state, at.AddSeconds(5));
        Journal(state, JournalEventKind.Suspended, "wait", timestamp: at.AddSeconds(6));
        state.Incidents.Add(NewIncident("late", at.AddSeconds(7)));
        var stimulus = NewStimulus(NewId("s"), at.AddSeconds(8), nextAttemptAt: at.AddSeconds(9));
        stimulus.CompletedAt = at.AddSeconds(10);
        await Instances.CommitAsync(new InstanceCommit { State = state, Stimuli = [stimulus] }, Ct);

        var summary = (await Instances.GetSummaryAsync(state.Id, Ct))!;
        AssertSameInstantInUtc(at, summary.CreatedAt);
        AssertSameInstantInUtc(at.AddSeconds(3), summary.UpdatedAt);
        AssertSameInstantInUtc(at.AddSeconds(4), summary.FinishedAt!.Value);
        AssertSameInstantInUtc(at.AddSeconds(6), Assert.Single(await Instances.GetJournalAsync(state.Id, Ct)).Timestamp);
        AssertSameInstantInUtc(at.AddSeconds(7), Assert.Single(await Instances.GetIncidentsAsync(state.Id, Ct)).Timestamp);

        // Due at exactly the instant asked for counts as due; a tick earlier does not.
        var due = Assert.Single(await Instances.ListDueTimersAsync(at.AddSeconds(5), 1000, Ct), t => t.BookmarkId == timer.Id);
        AssertSameInstantInUtc(at.AddSeconds(5), due.DueAt);
        Assert.DoesNotContain(await Instances.ListDueTimersAsync(at.AddSeconds(5).AddTicks(-10), 1000, Ct), t => t.BookmarkId == timer.Id);

        var storedStimulus = (await Stimuli.FindAsync(stimulus.Id, Ct))!;
        AssertSameInstantInUtc(at.AddSeconds(8), storedStimulus.CreatedAt);
        AssertSameInstantInUtc(at.AddSeconds(9), storedStimulus.NextAttemptAt);
        AssertSameInstantInUtc(at.AddSeconds(10), storedStimulus.CompletedAt!.Value);
        storedStimulus.NextAttemptAt = at.AddSeconds(11);
        await Stimuli.UpdateAsync(storedStimulus, Ct);
        AssertSameInstantInUtc(at.AddSeconds(11), (await Stimuli.FindAsync(stimulus.Id, Ct))!.NextAttemptAt);
    }

    [Fact]
    public async Task Stores_CutInstantsToWholeMicroseconds_SoEveryProviderKeepsTheSameValue()
    {
        var at = new DateTimeOffset(2026, 5, 3, 8, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);
        var state = NewState(createdAt: at);

        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);

        Assert.Equal(at.UtcTicks - 7, (await Instances.GetSummaryAsync(state.Id, Ct))!.CreatedAt.UtcTicks);
    }

    // ---- Helpers ----

    private static void AssertSameInstantInUtc(DateTimeOffset expected, DateTimeOffset actual)
    {
        Assert.Equal(expected.UtcTicks, actual.UtcTicks);
        Assert.Equal(TimeSpan.Zero, actual.Offset);
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static DefinitionVersion Version(string definitionId, int number, bool published = false, string json = "{}") =>
        new(
            $"{definitionId}:v{number}",
            definitionId,
            number,
            $"{definitionId} v{number}",
            "A test definition.",
            IsLatest: true,
            IsPublished: published,
            json,
            $"hash-{number}",
            "test",
            T0.AddMinutes(number),
            published ? T0.AddMinutes(number) : null);

    private static WorkflowInstanceState NewState(
        string definitionId = "contract-def",
        string? correlationId = null,
        WorkflowStatus status = WorkflowStatus.Suspended,
        DateTimeOffset? createdAt = null) =>
        new()
        {
            Id = NewId("instance"),
            DefinitionId = definitionId,
            DefinitionVersionId = definitionId + ":v3",
            DefinitionVersion = 3,
            CorrelationId = correlationId,
            Status = status,
            CreatedAt = createdAt ?? T0,
            UpdatedAt = createdAt ?? T0,
        };

    private static Bookmark EventBookmark(WorkflowInstanceState state, string eventName, DateTimeOffset? createdAt = null)
    {
        var payload = new JsonObject { ["eventName"] = eventName };
        var bookmark = new Bookmark
        {
            Id = NewId("bookmark"),
            Name = "Elsa.Event",
            Hash = BookmarkHasher.Compute("Elsa.Event", payload),
            Payload = payload,
            ActivityId = "wait",
            CreatedAt = createdAt ?? T0,
        };
        state.Bookmarks.Add(bookmark);
        return bookmark;
    }

    private static Bookmark TimerBookmark(WorkflowInstanceState state, DateTimeOffset dueAt)
    {
        var payload = new JsonObject { ["dueAt"] = dueAt.ToUniversalTime().ToString("O") };
        var bookmark = new Bookmark
        {
            Id = NewId("timer"),
            Name = "Elsa.Delay",
            Hash = BookmarkHasher.Compute("Elsa.Delay", payload),
            Payload = payload,
            ActivityId = "delay",
            CreatedAt = T0,
            DueAt = dueAt,
        };
        state.Bookmarks.Add(bookmark);
        return bookmark;
    }

    private static void Journal(
        WorkflowInstanceState state,
        JournalEventKind kind,
        string activityId,
        string? message = null,
        IReadOnlyList<string>? outcomes = null,
        DateTimeOffset? timestamp = null) =>
        state.Journal.Add(new JournalEntry
        {
            Sequence = state.NextSequence++,
            Timestamp = timestamp ?? T0,
            ActivityId = activityId,
            ActivityType = "Elsa.Test",
            Kind = kind,
            Outcomes = outcomes,
            Message = message,
        });

    private static Incident NewIncident(string message, DateTimeOffset? timestamp = null) =>
        new() { ActivityId = "fault", ActivityType = "Elsa.Fault", Code = "E42", Message = message, Timestamp = timestamp ?? T0 };

    private static EmailMessage Email(string instanceId, string subject) =>
        new("changeflow@example.org", ["cab@example.org", "oncall@example.org"], [], [], subject, "Body of " + subject, instanceId, "send");

    private static StimulusRecord NewStimulus(
        string eventName,
        DateTimeOffset createdAt,
        DateTimeOffset? nextAttemptAt = null,
        StimulusStatus status = StimulusStatus.Pending,
        string? instanceId = null,
        string? correlationId = null)
    {
        var payload = new JsonObject { ["eventName"] = eventName };
        return new StimulusRecord
        {
            Id = NewId("stimulus"),
            Name = "Elsa.Event",
            Hash = BookmarkHasher.Compute("Elsa.Event", payload),
            Payload = payload,
            Input = new JsonObject { ["approvedBy"] = "cab" },
            InstanceId = instanceId,
            CorrelationId = correlationId,
            Status = status,
            CreatedAt = createdAt,
            NextAttemptAt = nextAttemptAt ?? createdAt,
        };
    }

    private async Task<List<string>> StoredBookmarkIdsAsync(string instanceId)
    {
        await using var db = Database.CreateContext();
        return await db.Bookmarks.Where(b => b.InstanceId == instanceId).Select(b => b.Id).ToListAsync();
    }

    private async Task<List<Entities.OutboxMessageEntity>> OutboxOfAsync(string instanceId)
    {
        await using var db = Database.CreateContext();
        return await db.Outbox.AsNoTracking().Where(m => m.InstanceId == instanceId).ToListAsync();
    }
}
