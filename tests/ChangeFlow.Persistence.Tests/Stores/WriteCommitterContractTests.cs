using ChangeFlow.Application.Changes;
using ChangeFlow.Application.Common;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Domain.Demo;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Persistence.Tests.Stores;

/// <summary>
/// Writes committed together outside a workflow run (a cancellation and the notices it sends, a moved window and its
/// rescheduled notices): all of them or none, with the run-write handlers of a run's commit.
/// </summary>
public abstract class WriteCommitterContractTests
{
    private static int _lastYear = 4000;
    private static readonly DateTimeOffset Now = new(2026, 5, 20, 8, 0, 0, TimeSpan.Zero);

    protected WriteCommitterContractTests(TestDatabase database)
    {
        var factory = database.CreateFactory();
        Changes = new EfChangeStore(factory, new EfSequenceStore(factory));
        Timeline = new EfTimelineStore(factory);
        Outbox = new EfOutbox(factory, new FakeTimeProvider(Now));
        Committer = new EfWriteCommitter(factory, ChangeStoresServiceCollectionExtensions.RunWriteHandlers());
    }

    private EfChangeStore Changes { get; }

    private EfTimelineStore Timeline { get; }

    private EfOutbox Outbox { get; }

    private EfWriteCommitter Committer { get; }

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task Commit_WritesTheChangeItsMessagesAndItsTimelineTogether()
    {
        var record = await NewChangeAsync();
        var key = NoticeScheduler.CorrelationKey(record.Number);

        await Committer.CommitAsync(
            [
                new ChangeWrite(record with { Version = 2, Change = record.Change with { Title = "Moved" } }, 1),
                new OutboxWrite(Message(key, "a@example.org"), Now),
                new TimelineWrite(new TimelineEntry(TimelineIds.Next(Now), record.Number, Now, "change-manager", "notices.scheduled", "1 queued")),
            ],
            Ct);

        Assert.Equal(("Moved", 2L), ((await Changes.FindAsync(record.Change.Number, Ct))!.Change.Title, (await Changes.FindAsync(record.Change.Number, Ct))!.Version));
        Assert.Single((await Outbox.ListAsync(new OutboxQuery(CorrelationKey: key), 0, 10, Ct)).Items);
        Assert.Single(await Timeline.ListAsync(record.Number, Ct));
    }

    [Fact]
    public async Task Commit_KeepsNothing_WhenTheChangeWasChangedMeanwhile()
    {
        var record = await NewChangeAsync();
        await Changes.UpdateAsync(record with { Version = 2 }, 1, Ct);
        var key = NoticeScheduler.CorrelationKey(record.Number);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Committer.CommitAsync(
            [new OutboxCancelWrite(key), new OutboxWrite(Message(key, "a@example.org"), Now), new ChangeWrite(record with { Version = 2 }, 1)],
            Ct));

        Assert.Empty((await Outbox.ListAsync(new OutboxQuery(CorrelationKey: key), 0, 10, Ct)).Items);
        Assert.Equal(2, (await Changes.FindAsync(record.Change.Number, Ct))!.Version);
    }

    [Fact]
    public async Task Commit_WithdrawsThePendingMessagesOfAKind_AndQueuesTheirReplacements_InOneGo()
    {
        var record = await NewChangeAsync();
        var key = NoticeScheduler.CorrelationKey(record.Number);
        var old = Message(key, "a@example.org");
        var approval = Message(key, "cab@example.org") with { Kind = "approval-request" };
        await Outbox.EnqueueAsync(old, Ct);
        await Outbox.EnqueueAsync(approval, Ct);
        var replacement = Message(key, "a@example.org");

        await Committer.CommitAsync([new OutboxCancelWrite(key, NoticeTemplates.MaintenanceNotice), new OutboxWrite(replacement, Now)], Ct);

        Assert.Equal(OutboxStatus.Canceled, (await Outbox.FindAsync(old.Id, Ct))!.Status);
        Assert.Equal(OutboxStatus.Pending, (await Outbox.FindAsync(replacement.Id, Ct))!.Status);
        Assert.Equal(OutboxStatus.Pending, (await Outbox.FindAsync(approval.Id, Ct))!.Status);
    }

    private async Task<ChangeRecord> NewChangeAsync()
    {
        var year = Interlocked.Increment(ref _lastYear);
        var change = DemoData.Rfc2026014() with { Number = await Changes.AllocateNumberAsync(year, Ct) };
        var record = new ChangeRecord { Change = change, CreatedBy = "it-ops-head", CreatedAt = Now, UpdatedAt = Now, Version = 1 };
        await Changes.AddAsync(record, Ct);
        return record;
    }

    private static OutboundMessage Message(string correlationKey, string to) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        IdempotencyKey = "test:" + Guid.NewGuid().ToString("N"),
        To = [new MailRecipient(to)],
        Subject = "Planned maintenance",
        TextBody = "LIMS unavailable",
        CorrelationKey = correlationKey,
        Kind = NoticeTemplates.MaintenanceNotice,
        NotBefore = Now.AddDays(2),
    };
}

/// <summary>The write committer on a real SQLite file.</summary>
public sealed class SqliteWriteCommitterTests(SqliteDatabaseFixture fixture)
    : WriteCommitterContractTests(fixture.Database), IClassFixture<SqliteDatabaseFixture>;

/// <summary>The write committer on PostgreSQL.</summary>
public sealed class PostgreSqlWriteCommitterTests(PostgreSqlDatabaseFixture fixture)
    : WriteCommitterContractTests(fixture.Database), IClassFixture<PostgreSqlDatabaseFixture>;
