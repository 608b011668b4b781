using System.Text.Json.Nodes;
using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Changes.Dossier;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Improvement;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Changes;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Domain.Improvement;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.EntityFrameworkCore;

namespace ChangeFlow.Persistence.Tests.Stores;

/// <summary>
/// What every database provider must do for the stores of change enablement and their run writes. The tests of a
/// class share one database: each takes a year of its own (numbers and windows are per year) and ids of its own.
/// </summary>
public abstract class ChangeStoreContractTests
{
    private static int _lastYear = 3000;

    protected ChangeStoreContractTests(TestDatabase database)
    {
        Database = database;
        var factory = database.CreateFactory();
        Sequences = new EfSequenceStore(factory);
        Changes = new EfChangeStore(factory, Sequences);
        Timeline = new EfTimelineStore(factory);
        Tasks = new EfHumanTaskStore(factory);
        References = new EfReferenceStore(factory);
        Improvements = new EfImprovementStore(factory);
        Outbox = new EfOutbox(factory, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 5, 20, 8, 0, 0, TimeSpan.Zero)));
        Instances = new EfWorkflowInstanceStore(factory, ChangeStoresServiceCollectionExtensions.RunWriteHandlers());
    }

    protected TestDatabase Database { get; }

    private EfSequenceStore Sequences { get; }

    private EfChangeStore Changes { get; }

    private EfTimelineStore Timeline { get; }

    private EfHumanTaskStore Tasks { get; }

    private EfReferenceStore References { get; }

    private EfImprovementStore Improvements { get; }

    private EfWorkflowInstanceStore Instances { get; }

    private EfOutbox Outbox { get; }

    private static CancellationToken Ct => CancellationToken.None;

    // ---- Numbers ----

    [Fact]
    public async Task AllocateNumberAsync_HandsOutDistinctConsecutiveNumbers_WhenNodesAllocateInParallel()
    {
        var year = NewYear();
        var otherNode = new EfChangeStore(Database.CreateFactory(), new EfSequenceStore(Database.CreateFactory()));

        var numbers = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() => (i % 2 == 0 ? Changes : otherNode).AllocateNumberAsync(year, Ct))));

        Assert.Equal(Enumerable.Range(1, 60), numbers.Select(n => n.Sequence).Order());
        Assert.All(numbers, n => Assert.Equal(year, n.Year));
        Assert.Equal(1, (await Changes.AllocateNumberAsync(NewYear(), Ct)).Sequence);
        Assert.Equal(61, (await Changes.AllocateNumberAsync(year, Ct)).Sequence);
    }

    [Fact]
    public async Task NextAsync_KeepsEachSequenceApart_WhenNamesShareAYear()
    {
        var year = NewYear();

        await Sequences.NextAsync("RFC", year, Ct);
        await Sequences.NextAsync("RFC", year, Ct);

        Assert.Equal(1, await Sequences.NextAsync("CIR", year, Ct));
        Assert.Equal("CIR-" + year + "-002", await ImprovementNumbers.AllocateAsync(Sequences, year, Ct));
    }

    // ---- Changes ----

    [Fact]
    public async Task FindAsync_ReturnsTheRecordAsAdded_WhenAChangeIsAdded()
    {
        var record = await NewChangeAsync(NewYear());

        await Changes.AddAsync(record, Ct);

        var found = await Changes.FindAsync(record.Change.Number, Ct);
        Assert.NotNull(found);
        Assert.Equal(ChangeRecordJson.Serialize(record), ChangeRecordJson.Serialize(found));
        Assert.Null(await Changes.FindAsync(ChangeNumber.Create(record.Change.Number.Year, 9999).Value, Ct));
    }

    [Fact]
    public async Task AddAsync_ThrowsConcurrencyConflict_WhenTheNumberExists()
    {
        var record = await NewChangeAsync(NewYear());
        await Changes.AddAsync(record, Ct);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Changes.AddAsync(record, Ct));
    }

    [Fact]
    public async Task UpdateAsync_ReplacesTheRecordAtTheExpectedVersion_AndRefusesAStaleOne()
    {
        var record = await NewChangeAsync(NewYear(), requestor: NewId("requestor"));
        await Changes.AddAsync(record, Ct);
        var moved = record.Change.Transition(ChangeState.New, ChangeState.Assess, record.Change.SubmittedAt.AddHours(1), "change-manager");
        Assert.True(moved.IsApplied, string.Join("; ", moved.Errors));
        var assessed = record with { Change = moved.Change, Version = 2 };

        await Changes.UpdateAsync(assessed, expectedVersion: 1, Ct);
        var stale = Retitled(record, "x") with { Version = 2 };

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Changes.UpdateAsync(stale, expectedVersion: 1, Ct));
        var found = await Changes.FindAsync(record.Change.Number, Ct);
        Assert.Equal((ChangeState.Assess, 2L), (found!.Change.State, found.Version));
        Assert.Equal((await Changes.ListAsync(new ChangeQuery(State: ChangeState.Assess, RequestorId: found.Change.Requestor!.Id), Ct)).Items.Single().Number, found.Number);
    }

    [Fact]
    public async Task ListAsync_FiltersAndOrdersNewestNumberFirst_WhenQueried()
    {
        var year = NewYear();
        var a = await NewChangeAsync(year, windowDay: 10, requestor: "req-" + year);
        var b = await NewChangeAsync(year, windowDay: 20, type: ChangeType.Emergency);
        var c = await NewChangeAsync(year, windowDay: 30);
        c = c with { CabBoardId = "cab-" + year, CabMeetingAt = c.Change.Window!.Start.AddDays(-3) };
        foreach (var record in new[] { a, b, c })
        {
            await Changes.AddAsync(record, Ct);
        }

        var inYear = new ChangeQuery(From: Instant(year, 1, 1), To: Instant(year + 1, 1, 1));
        Assert.Equal([c.Number, b.Number, a.Number], (await Changes.ListAsync(inYear, Ct)).Items.Select(r => r.Number));
        Assert.Equal([b.Number], (await Changes.ListAsync(inYear with { Type = ChangeType.Emergency }, Ct)).Items.Select(r => r.Number));
        Assert.Equal([a.Number], (await Changes.ListAsync(new ChangeQuery(RequestorId: "req-" + year), Ct)).Items.Select(r => r.Number));
        Assert.Equal([c.Number], (await Changes.ListAsync(new ChangeQuery(CabBoardId: "cab-" + year, CabMeetingAt: c.CabMeetingAt), Ct)).Items.Select(r => r.Number));
        Assert.Equal([b.Number], (await Changes.ListAsync(inYear with { From = Instant(year, 5, 20, 12), To = Instant(year, 5, 21) }, Ct)).Items.Select(r => r.Number));
        var page = await Changes.ListAsync(inYear with { Skip = 1, Take = 1 }, Ct);
        Assert.Equal((3, b.Number), (page.Total, page.Items.Single().Number));
        Assert.Empty((await Changes.ListAsync(inYear with { State = ChangeState.Closed }, Ct)).Items);
    }

    [Fact]
    public async Task ListOverlappingAsync_LeavesOutFinishedChanges_AndWindowsThatOnlyTouch()
    {
        var year = NewYear();
        var live = await NewChangeAsync(year, windowDay: 10);
        var canceled = await NewChangeAsync(year, windowDay: 10);
        canceled = canceled with { Change = canceled.Change.Transition(ChangeState.New, ChangeState.Canceled, canceled.Change.SubmittedAt, "x", note: "Withdrawn").Change };
        var later = await NewChangeAsync(year, windowDay: 11);
        foreach (var record in new[] { live, canceled, later })
        {
            await Changes.AddAsync(record, Ct);
        }

        var window = live.Change.Window!;
        var overlapping = await Changes.ListOverlappingAsync(window.Start.AddHours(1), window.End, Ct);
        var touching = await Changes.ListOverlappingAsync(window.End, window.End.AddHours(1), Ct);

        Assert.Equal([live.Number], overlapping.Select(r => r.Number));
        Assert.Empty(touching);
    }

    // ---- Timeline ----

    [Fact]
    public async Task ListAsync_ReturnsASubjectsEntriesOldestFirst_WhenEntriesAreAdded()
    {
        var subject = "RFC-" + NewYear() + "-001";
        var t0 = Instant(2026, 5, 3);
        await Timeline.AddAsync(new TimelineEntry("b-" + subject, subject, t0.AddHours(1), "cab", "approved", "Approved"), Ct);
        await Timeline.AddAsync(new TimelineEntry("a-" + subject, subject, t0, "req", "submitted", "Submitted", "wf-1", "submit", "Submit", new JsonObject { ["k"] = 1 }), Ct);
        await Timeline.AddAsync(new TimelineEntry("c-" + subject, "other-" + subject, t0, "req", "submitted", "Submitted"), Ct);

        var entries = await Timeline.ListAsync(subject, Ct);

        Assert.Equal(["a-" + subject, "b-" + subject], entries.Select(e => e.Id));
        Assert.Equal(("wf-1", "Submit", 1), (entries[0].InstanceId, entries[0].ActivityName, (int)entries[0].Data!["k"]!));
    }

    // ---- Human tasks ----

    [Fact]
    public async Task ListAsync_ShowsOpenTasksByDueTimeThenTheRestNewestFirst_WhenAnAssigneeAsks()
    {
        var user = NewId("user");
        var t0 = Instant(2026, 5, 3);
        var late = NewTask(user, due: t0.AddDays(3), created: t0);
        var soon = NewTask(user, due: t0.AddDays(1), created: t0);
        var undated = NewTask(user, due: null, created: t0);
        var oldDone = NewTask(user, due: t0, created: t0);
        var newDone = NewTask(user, due: t0, created: t0.AddHours(1));
        var instance = await NewInstanceAsync();
        instance = await CommitAsync(instance, [.. new[] { late, soon, undated, oldDone, newDone, NewTask(NewId("someone-else"), t0, t0) }.Select(t => new TaskCreateWrite(t))]);
        instance = await CommitAsync(instance, [Close(oldDone.Id, t0.AddHours(2)), Close(newDone.Id, t0.AddHours(3))]);

        var tasks = await Tasks.ListAsync(new HumanTaskQuery(AssigneeUserId: user), Ct);
        var open = await Tasks.ListAsync(new HumanTaskQuery(AssigneeUserId: user, Status: HumanTaskStatus.Open, Take: 2), Ct);

        Assert.Equal([soon.Id, late.Id, undated.Id, newDone.Id, oldDone.Id], tasks.Items.Select(t => t.Id));
        Assert.Equal((3, 2), (open.Total, open.Items.Count));
        var stored = await Tasks.FindAsync(soon.Id, Ct);
        Assert.Equal(["Approved", "Rejected"], stored!.Outcomes);
        Assert.Equal(["it-ops-head"], stored.ExcludedUserIds);
        Assert.Equal((1L, t0.AddDays(1)), (stored.Version, stored.DueAt));
    }

    [Fact]
    public async Task TaskCloseWrite_ClosesOnlyAnOpenTask_AndBumpsItsVersionOnce_WhenSentTwice()
    {
        var t0 = Instant(2026, 5, 3);
        var task = NewTask(NewId("user"), t0.AddDays(1), t0);
        var instance = await NewInstanceAsync();
        instance = await CommitAsync(instance, [new TaskCreateWrite(task)]);

        instance = await CommitAsync(instance, [new TaskCloseWrite(task.Id, HumanTaskStatus.Completed, "Approved", "Fine", "cab-1", t0.AddHours(1), new JsonObject { ["vote"] = "yes" })]);
        await CommitAsync(instance, [new TaskCloseWrite(task.Id, HumanTaskStatus.Canceled, null, null, "system", t0.AddHours(2))]);

        var stored = await Tasks.FindAsync(task.Id, Ct);
        Assert.Equal((HumanTaskStatus.Completed, "Approved", "Fine", "cab-1", 2L), (stored!.Status, stored.Outcome, stored.Comment, stored.CompletedBy, stored.Version));
        Assert.Equal(t0.AddHours(1), stored.CompletedAt);
        Assert.Equal("yes", (string?)stored.Data!["vote"]);
    }

    [Fact]
    public async Task UpdateAsync_ReassignsAtTheExpectedVersion_AndACloseStillApplies_WhenTheTaskWasReassigned()
    {
        var t0 = Instant(2026, 5, 3);
        var task = NewTask(NewId("user"), t0.AddDays(1), t0);
        var instance = await NewInstanceAsync();
        instance = await CommitAsync(instance, [new TaskCreateWrite(task)]);

        await Tasks.UpdateAsync(task with { AssigneeUserId = "deputy", Version = 2 }, expectedVersion: 1, Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Tasks.UpdateAsync(task with { AssigneeUserId = "other", Version = 2 }, expectedVersion: 1, Ct));
        await CommitAsync(instance, [Close(task.Id, t0.AddHours(1))]);

        var stored = await Tasks.FindAsync(task.Id, Ct);
        Assert.Equal(("deputy", HumanTaskStatus.Completed, 3L), (stored!.AssigneeUserId, stored.Status, stored.Version));
    }

    // ---- Outbox ----

    [Fact]
    public async Task Outbox_KeepsEveryPartOfAMessage_WhenQueuedWithARun()
    {
        var correlation = "change:" + NewId("rfc");
        var message = NewMessage(correlation, "maintenance-notice") with
        {
            From = new MailRecipient("changes@example.org", "Change Management"),
            Cc = [new MailRecipient("lab-managers@example.org")],
            Bcc = [new MailRecipient("audit@example.org")],
            HtmlBody = "<p>LIMS upgrade</p>",
            TextBody = "LIMS upgrade",
            Headers = new Dictionary<string, string> { ["X-ChangeFlow-Change"] = "RFC-2026-014" },
            Attachments = [new MailAttachment("invite.ics", "text/calendar; method=REQUEST", [1, 2, 3])],
            NotBefore = Instant(2026, 5, 22, 13),
        };
        var instance = await NewInstanceAsync();
        await CommitAsync(instance, [new OutboxWrite(message, Instant(2026, 5, 20, 9))]);

        var stored = await Outbox.FindAsync(message.Id, Ct);

        Assert.NotNull(stored);
        Assert.Equal((OutboxStatus.Pending, 0, Instant(2026, 5, 20, 9), Instant(2026, 5, 22, 13)), (stored.Status, stored.Attempts, stored.CreatedAt, stored.NextAttemptAt));
        Assert.Equal(message.Id + "@" + OutboxIds.MessageIdDomain, stored.Message.MessageId);
        Assert.Equal(message with { MessageId = stored.Message.MessageId, Attachments = stored.Message.Attachments, Headers = stored.Message.Headers, To = stored.Message.To, Cc = stored.Message.Cc, Bcc = stored.Message.Bcc }, stored.Message);
        Assert.Equal(message.To, stored.Message.To);
        Assert.Equal(message.Cc, stored.Message.Cc);
        Assert.Equal(message.Bcc, stored.Message.Bcc);
        Assert.Equal("RFC-2026-014", stored.Message.Headers["X-ChangeFlow-Change"]);
        var attachment = Assert.Single(stored.Message.Attachments);
        Assert.Equal(("invite.ics", "text/calendar; method=REQUEST"), (attachment.FileName, attachment.ContentType));
        Assert.Equal(new byte[] { 1, 2, 3 }, attachment.Content);
    }

    [Fact]
    public async Task Outbox_QueuesAnIdempotencyKeyOnce_InARunOrOutsideOne()
    {
        var correlation = "change:" + NewId("rfc");
        var key = NewId("key");
        var instance = await NewInstanceAsync();
        var at = Instant(2026, 5, 20, 9);

        instance = await CommitAsync(instance, [new OutboxWrite(NewMessage(correlation, "notice") with { IdempotencyKey = key }, at), new OutboxWrite(NewMessage(correlation, "notice") with { IdempotencyKey = key }, at)]);
        await CommitAsync(instance, [new OutboxWrite(NewMessage(correlation, "notice") with { IdempotencyKey = key }, at)]);
        var again = await Outbox.EnqueueAsync(NewMessage(correlation, "notice") with { IdempotencyKey = key }, Ct);
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Outbox.EnqueueAsync(NewMessage(correlation, "race") with { IdempotencyKey = key + "-race" }, Ct))));

        Assert.False(again);
        Assert.Equal(1, racing.Count(r => r));
        Assert.Equal(2, (await Outbox.ListAsync(new OutboxQuery(CorrelationKey: correlation), 0, 10, Ct)).Total);
    }

    [Fact]
    public async Task Outbox_CancelsOnlyPendingMessagesOfTheCorrelationAndKind_IncludingOnesQueuedEarlierInTheSameRun()
    {
        var correlation = "change:" + NewId("rfc");
        var other = "change:" + NewId("rfc");
        var at = Instant(2026, 5, 20, 9);
        var notice = NewMessage(correlation, "maintenance-notice");
        var outcome = NewMessage(correlation, "outcome-successful");
        var elsewhere = NewMessage(other, "maintenance-notice");
        var sameRun = NewMessage(correlation, "maintenance-notice");
        var instance = await NewInstanceAsync();
        instance = await CommitAsync(instance, [new OutboxWrite(notice, at), new OutboxWrite(outcome, at), new OutboxWrite(elsewhere, at)]);

        await CommitAsync(instance, [new OutboxWrite(sameRun, at), new OutboxCancelWrite(correlation, "maintenance-")]);
        var canceledOutside = await Outbox.CancelPendingAsync(correlation, null, Ct);

        Assert.Equal(OutboxStatus.Canceled, (await Outbox.FindAsync(notice.Id, Ct))!.Status);
        Assert.Equal(OutboxStatus.Canceled, (await Outbox.FindAsync(sameRun.Id, Ct))!.Status);
        Assert.Equal(1, canceledOutside);
        Assert.Equal(OutboxStatus.Canceled, (await Outbox.FindAsync(outcome.Id, Ct))!.Status);
        Assert.Equal(OutboxStatus.Pending, (await Outbox.FindAsync(elsewhere.Id, Ct))!.Status);
        Assert.Equal(3, (await Outbox.ListAsync(new OutboxQuery(OutboxStatus.Canceled, correlation), 0, 10, Ct)).Total);
        Assert.Single((await Outbox.ListAsync(new OutboxQuery(Kind: "outcome-successful", CorrelationKey: correlation), 0, 10, Ct)).Items);
    }

    private static OutboundMessage NewMessage(string correlation, string kind) => new()
    {
        Id = NewId("msg"),
        To = [new MailRecipient("lims-users@example.org", "LIMS users")],
        Subject = "Maintenance " + kind,
        TextBody = "text",
        CorrelationKey = correlation,
        Kind = kind,
    };

    // ---- Reference documents ----

    [Fact]
    public async Task PutAsync_CreatesAndReplacesByVersion_AndRefusesStaleOrDuplicateWrites()
    {
        var kind = NewId("kind");
        var at = Instant(2026, 5, 3);

        Assert.Equal(1, await References.PutAsync(kind, "b", """{"n":1}""", null, at, "admin", Ct));
        Assert.Equal(1, await References.PutAsync(kind, "a", """{"n":0}""", null, at, "admin", Ct));
        Assert.Equal(2, await References.PutAsync(kind, "b", """{"n":2}""", 1, at.AddHours(1), "cm", Ct));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => References.PutAsync(kind, "b", "{}", 1, at, "x", Ct));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => References.PutAsync(kind, "a", "{}", null, at, "x", Ct));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => References.PutAsync(kind, "c", "{}", 4, at, "x", Ct));

        Assert.Equal(new ReferenceDocument(kind, "b", """{"n":2}""", 2, at.AddHours(1), "cm"), await References.FindAsync(kind, "b", Ct));
        Assert.Equal(["a", "b"], (await References.ListAsync(kind, Ct)).Select(d => d.Id));
        Assert.True(await References.DeleteAsync(kind, "a", Ct));
        Assert.False(await References.DeleteAsync(kind, "a", Ct));
        Assert.Null(await References.FindAsync(kind, "a", Ct));
    }

    // ---- Improvement register ----

    [Fact]
    public async Task ImprovementWrite_AddsAnItem_ThatIsFoundListedAndUpdatedByVersion()
    {
        var year = NewYear();
        var source = ChangeNumber.Create(year, 14).Value;
        var at = Instant(2026, 5, 25, 10);
        var first = new ImprovementRecord(await ImprovementNumbers.AllocateAsync(Sequences, year, Ct), ImprovementItem.FromReviewFinding(source, "Rollback drill", "Rehearse the restore", ImprovementPriority.High), null, "pir-activity", at, at, 1);
        var second = first with { Number = await ImprovementNumbers.AllocateAsync(Sequences, year, Ct), Item = first.Item with { Title = "Runbook" } };
        var instance = await NewInstanceAsync();
        await CommitAsync(instance, [new ImprovementWrite(first), new ImprovementWrite(second)]);

        Assert.Equal(first, await Improvements.FindAsync(first.Number, Ct));
        var listed = await Improvements.ListAsync(source.ToString(), 0, 10, Ct);
        Assert.Equal([second.Number, first.Number], listed.Items.Select(i => i.Number));
        await Improvements.UpdateAsync(first with { Owner = "quality-lead", Item = first.Item with { Status = ImprovementStatus.Accepted }, Version = 2 }, expectedVersion: 1, Ct);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Improvements.UpdateAsync(first with { Version = 2 }, expectedVersion: 1, Ct));
        Assert.Equal(("quality-lead", ImprovementStatus.Accepted, 2L), (await Improvements.FindAsync(first.Number, Ct)) is { } u ? (u.Owner, u.Item.Status, u.Version) : default);
    }

    // ---- Runs: domain writes commit or roll back with the instance ----

    [Fact]
    public async Task CommitAsync_WritesEveryDomainRecord_WhenTheRunCommits()
    {
        var record = await NewChangeAsync(NewYear());
        var instance = await NewInstanceAsync();
        var task = NewTask(NewId("user"), null, record.CreatedAt);

        instance = await CommitAsync(instance, RunWrites(record, task));
        var updated = record with { Change = record.Change.Transition(ChangeState.New, ChangeState.Assess, record.CreatedAt.AddHours(1), "cm").Change, Version = 2 };
        await CommitAsync(instance, [new ChangeWrite(updated, ExpectedVersion: 1)]);

        Assert.Equal((ChangeState.Assess, 2L), await Changes.FindAsync(record.Change.Number, Ct) is { } c ? (c.Change.State, c.Version) : default);
        Assert.NotNull(await Tasks.FindAsync(task.Id, Ct));
        Assert.Single(await Timeline.ListAsync(record.Number, Ct));
    }

    [Fact]
    public async Task CommitAsync_LeavesNoDomainWrite_WhenTheInstanceVersionIsStale()
    {
        var record = await NewChangeAsync(NewYear());
        var instance = await NewInstanceAsync();
        var task = NewTask(NewId("user"), null, record.CreatedAt);
        await CommitAsync(instance, []);

        // The same snapshot again: another run committed version 2 first.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(instance, RunWrites(record, task)));

        Assert.Null(await Changes.FindAsync(record.Change.Number, Ct));
        Assert.Null(await Tasks.FindAsync(task.Id, Ct));
        Assert.Empty(await Timeline.ListAsync(record.Number, Ct));
    }

    [Fact]
    public async Task CommitAsync_LeavesTheInstanceAndOtherWritesUnchanged_WhenAChangeWriteIsStale()
    {
        var record = await NewChangeAsync(NewYear());
        await Changes.AddAsync(record, Ct);
        await Changes.UpdateAsync(record with { Version = 2 }, expectedVersion: 1, Ct);
        var instance = await NewInstanceAsync();
        var task = NewTask(NewId("user"), null, record.CreatedAt);
        var stale = Retitled(record, "Written from a stale read") with { Version = 2 };

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(instance, [new TimelineWrite(Entry(record)), new TaskCreateWrite(task), new ChangeWrite(stale, ExpectedVersion: 1)]));

        Assert.Equal(instance.Version, (await Instances.LoadAsync(instance.State.Id, Ct))!.Version);
        Assert.Equal(record.Change.Title, (await Changes.FindAsync(record.Change.Number, Ct))!.Change.Title);
        Assert.Null(await Tasks.FindAsync(task.Id, Ct));
        Assert.Empty(await Timeline.ListAsync(record.Number, Ct));
    }

    [Fact]
    public async Task CommitAsync_RefusesTheRun_WhenAChangeWriteInsertsAnExistingNumber()
    {
        var record = await NewChangeAsync(NewYear());
        await Changes.AddAsync(record, Ct);
        var instance = await NewInstanceAsync();

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(instance, [new ChangeWrite(Retitled(record, "Again"), ExpectedVersion: 0)]));

        Assert.Equal(record.Change.Title, (await Changes.FindAsync(record.Change.Number, Ct))!.Change.Title);
    }

    [Fact]
    public async Task Database_HasTheChangeTables_WhenMigrated()
    {
        await using var db = Database.CreateContext();

        Assert.Equal(0, await db.Set<SequenceEntity>().CountAsync(s => s.Name == "never-used"));
        Assert.Equal(
            ["changes", "human_tasks", "improvement_items", "reference_documents", "sequences", "timeline_entries"],
            new[] { typeof(ChangeEntity), typeof(HumanTaskEntity), typeof(ImprovementEntity), typeof(ReferenceDocumentEntity), typeof(SequenceEntity), typeof(TimelineEntryEntity) }
                .Select(t => db.Model.FindEntityType(t)!.GetTableName()));
    }

    // ---- Helpers ----

    private static int NewYear() => Interlocked.Increment(ref _lastYear);

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static DateTimeOffset Instant(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    /// <summary>The seed dossier moved to <paramref name="year"/> (so its number and window are the test's own), with a fresh number.</summary>
    private async Task<ChangeRecord> NewChangeAsync(int year, int windowDay = 23, ChangeType type = ChangeType.Normal, string? requestor = null)
    {
        var seed = DemoData.Rfc2026014();
        var shift = Instant(year, 5, windowDay, 21) - seed.Window!.Start;
        var change = seed with
        {
            Number = await Changes.AllocateNumberAsync(year, Ct),
            Type = type,
            Requestor = requestor is null ? seed.Requestor : new Person(requestor, "Requestor"),
            SubmittedAt = seed.SubmittedAt + shift,
            Window = new ChangeWindow(seed.Window.Start + shift, seed.Window.End + shift, seed.Window.TimeZoneId),
            CabReviewAt = seed.CabReviewAt + shift,
            RollbackDecisionPoint = seed.RollbackDecisionPoint + shift,
            ImplementationPlan = new ImplementationPlan([.. seed.ImplementationPlan.Steps.Select(step => step with { PlannedAt = step.PlannedAt + shift })]),
            PostImplementationReview = seed.PostImplementationReview! with { ScheduledAt = seed.PostImplementationReview.ScheduledAt + shift },
        };
        return new ChangeRecord { Change = change, CreatedBy = "it-ops-head", CreatedAt = change.SubmittedAt, UpdatedAt = change.SubmittedAt, Version = 1 };
    }

    private static ChangeRecord Retitled(ChangeRecord record, string title) => record with { Change = record.Change with { Title = title } };

    private static HumanTask NewTask(string assignee, DateTimeOffset? due, DateTimeOffset created) => new()
    {
        Id = NewId("task"),
        GroupId = NewId("group"),
        InstanceId = "instance",
        ActivityId = "cab-vote",
        SubjectKind = "change",
        SubjectId = "RFC-2026-014",
        Kind = "Approval",
        Title = "Vote on RFC-2026-014",
        AssigneeUserId = assignee,
        Outcomes = ["Approved", "Rejected"],
        CommentRequiredFor = ["Rejected"],
        ExcludedUserIds = ["it-ops-head"],
        Status = HumanTaskStatus.Open,
        DueAt = due,
        CreatedAt = created,
        Version = 1,
    };

    private static TaskCloseWrite Close(string taskId, DateTimeOffset at) => new(taskId, HumanTaskStatus.Completed, "Approved", null, "voter", at);

    private static TimelineEntry Entry(ChangeRecord record) =>
        new(NewId("entry"), record.Number, record.CreatedAt, "it-ops-head", "submitted", "Submitted", "wf", "submit", "Submit");

    private static IReadOnlyList<IRunWrite> RunWrites(ChangeRecord record, HumanTask task) =>
        [new ChangeWrite(record, ExpectedVersion: 0), new TimelineWrite(Entry(record)), new TaskCreateWrite(task)];

    private async Task<InstanceSnapshot> NewInstanceAsync()
    {
        var state = new WorkflowInstanceState
        {
            Id = NewId("instance"),
            DefinitionId = "change-def",
            DefinitionVersionId = "change-def:v1",
            DefinitionVersion = 1,
            Status = WorkflowStatus.Suspended,
            CreatedAt = EngineFixture.StartInstant,
            UpdatedAt = EngineFixture.StartInstant,
        };
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);
        return (await Instances.LoadAsync(state.Id, Ct))!;
    }

    /// <summary>Commits a run of <paramref name="instance"/> with <paramref name="writes"/>; returns the instance as it then is.</summary>
    private async Task<InstanceSnapshot> CommitAsync(InstanceSnapshot instance, IReadOnlyList<IRunWrite> writes)
    {
        await Instances.CommitAsync(new InstanceCommit { State = instance.State, ExpectedVersion = instance.Version, Writes = writes }, Ct);
        return (await Instances.LoadAsync(instance.State.Id, Ct))!;
    }
}

/// <summary>The change stores' contract on a real SQLite file.</summary>
public sealed class SqliteChangeStoreTests(SqliteDatabaseFixture fixture)
    : ChangeStoreContractTests(fixture.Database), IClassFixture<SqliteDatabaseFixture>;

/// <summary>The change stores' contract on a real PostgreSQL database.</summary>
public sealed class PostgreSqlChangeStoreTests(PostgreSqlDatabaseFixture fixture)
    : ChangeStoreContractTests(fixture.Database), IClassFixture<PostgreSqlDatabaseFixture>;
