using System.Security.Cryptography;
using ChangeFlow.Application.Approvals;
using ChangeFlow.Application.Notifications;
using ChangeFlow.Application.Tasks;
using ChangeFlow.Application.Workflows;
using ChangeFlow.Engine.Execution;
using ChangeFlow.Persistence.Stores;
using ChangeFlow.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ChangeFlow.Persistence.Tests.Stores;

/// <summary>
/// What every provider must do for approve by e-mail: one link-signing key however many nodes start at once, a link's
/// use recorded once with the run that used it, and a task's unsent messages withdrawn when it is closed or reassigned.
/// </summary>
public abstract class MailLinkStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 3, 8, 0, 0, TimeSpan.Zero);

    protected MailLinkStoreContractTests(TestDatabase database)
    {
        Database = database;
        var factory = database.CreateFactory();
        Store = new EfMailLinkStore(factory);
        Tasks = new EfHumanTaskStore(factory);
        Outbox = new EfOutbox(factory, new FakeTimeProvider(T0));
        Instances = new EfWorkflowInstanceStore(factory, [.. ChangeStoresServiceCollectionExtensions.RunWriteHandlers(), new MailLinkRedemptionWriteHandler()]);
    }

    private TestDatabase Database { get; }

    private EfMailLinkStore Store { get; }

    private EfHumanTaskStore Tasks { get; }

    private EfOutbox Outbox { get; }

    private EfWorkflowInstanceStore Instances { get; }

    private static CancellationToken Ct => CancellationToken.None;

    [Fact]
    public async Task KeyRings_OfNodesStartingTogether_SignWithOneKey()
    {
        // A database of its own: the first key is generated only where there is none.
        await using var fresh = await TestDatabase.CreateAsync(Database.Provider);
        var clock = new FakeTimeProvider(T0);
        var rings = Enumerable.Range(0, 6).Select(_ => new MailLinkKeyRing(new EfMailLinkStore(fresh.CreateFactory()), clock)).ToList();

        var keys = await Task.WhenAll(rings.Select(r => Task.Run(() => r.GetSigningKeyAsync(Ct))));

        var stored = Assert.Single(await new EfMailLinkStore(fresh.CreateFactory()).ListAsync(Ct));
        Assert.All(keys, k => Assert.Equal(MailLinkKeyRing.FirstKeyId, k.Id));
        Assert.All(keys, k => Assert.Equal(stored.Secret, k.Secret));
        Assert.Equal(32, stored.Secret.Length);
        rings.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task TryAddAsync_KeepsTheFirstKeyOfAnId()
    {
        var id = "t" + RandomNumberGenerator.GetHexString(8, lowercase: true);
        var first = new MailLinkKey(id, RandomNumberGenerator.GetBytes(32), T0);

        Assert.True(await Store.TryAddAsync(first, Ct));
        Assert.False(await Store.TryAddAsync(first with { Secret = RandomNumberGenerator.GetBytes(32) }, Ct));

        var stored = Assert.Single(await Store.ListAsync(Ct), k => k.Id == id);
        Assert.Equal(first.Secret, stored.Secret);
        Assert.Equal(T0, stored.CreatedAt);
    }

    [Fact]
    public async Task Redemption_IsRecordedWithItsRun_AndASecondRunUsingTheSameLinkIsRetried()
    {
        var task = NewTask();
        var instance = await NewInstanceAsync();
        instance = await CommitAsync(instance, [new TaskCreateWrite(task)]);
        var tokenId = RandomNumberGenerator.GetHexString(32, lowercase: true);
        var use = new MailLinkRedemption(tokenId, task.Id, "voter", ApprovalAction.Approve, "attempt-1", T0.AddHours(1));
        Assert.Null(await Store.FindAsync(tokenId, Ct));

        instance = await CommitAsync(instance, [new TaskCloseWrite(task.Id, HumanTaskStatus.Completed, "Approved", null, "voter", T0.AddHours(1)), new MailLinkRedemptionWrite(use)]);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => CommitAsync(instance, [new MailLinkRedemptionWrite(use with { AttemptId = "attempt-2" })]));

        Assert.Equal(use, await Store.FindAsync(tokenId, Ct));
    }

    [Fact]
    public async Task ClosingATaskWithARun_CancelsItsPendingMessages_AndNoOthers()
    {
        var task = NewTask();
        var other = NewTask();
        var instance = await NewInstanceAsync();
        var request = Message(task.Id, ApprovalMailer.RequestTemplate, null);
        var reminder = Message(task.Id, ApprovalMailer.ReminderTemplate, T0.AddDays(2));
        var othersReminder = Message(other.Id, ApprovalMailer.ReminderTemplate, T0.AddDays(2));
        instance = await CommitAsync(instance, [new TaskCreateWrite(task), new TaskCreateWrite(other), new OutboxWrite(request, T0), new OutboxWrite(reminder, T0), new OutboxWrite(othersReminder, T0)]);

        await CommitAsync(instance, [new TaskCloseWrite(task.Id, HumanTaskStatus.Canceled, null, null, null, T0.AddHours(1))]);

        Assert.Equal(OutboxStatus.Canceled, (await Outbox.FindAsync(request.Id, Ct))!.Status);
        Assert.Equal(OutboxStatus.Canceled, (await Outbox.FindAsync(reminder.Id, Ct))!.Status);
        Assert.Equal(OutboxStatus.Pending, (await Outbox.FindAsync(othersReminder.Id, Ct))!.Status);
    }

    [Fact]
    public async Task UpdateAsync_CancelsAnOpenTasksPendingMessages_WhenItChangesHandsOrCloses_ButNotForOtherEdits()
    {
        var task = NewTask();
        var instance = await NewInstanceAsync();
        var first = Message(task.Id, ApprovalMailer.ReminderTemplate, T0.AddDays(2));
        await CommitAsync(instance, [new TaskCreateWrite(task), new OutboxWrite(first, T0)]);

        await Tasks.UpdateAsync(task with { Title = "Vote (agenda item 3)", Version = 2 }, 1, Ct);
        Assert.Equal(OutboxStatus.Pending, (await Outbox.FindAsync(first.Id, Ct))!.Status);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Tasks.UpdateAsync(task with { AssigneeUserId = "deputy", Version = 2 }, 1, Ct));
        Assert.Equal(OutboxStatus.Pending, (await Outbox.FindAsync(first.Id, Ct))!.Status);

        await Tasks.UpdateAsync(task with { AssigneeUserId = "deputy", Version = 3 }, 2, Ct);
        Assert.Equal(OutboxStatus.Canceled, (await Outbox.FindAsync(first.Id, Ct))!.Status);

        var deputys = Message(task.Id, ApprovalMailer.ReminderTemplate, T0.AddDays(2));
        Assert.True(await Outbox.EnqueueAsync(deputys, Ct));
        await Tasks.UpdateAsync(task with { AssigneeUserId = "deputy", Status = HumanTaskStatus.Canceled, Version = 4 }, 3, Ct);
        Assert.Equal(OutboxStatus.Canceled, (await Outbox.FindAsync(deputys.Id, Ct))!.Status);
    }

    private static HumanTask NewTask() => new()
    {
        Id = "task-" + Guid.NewGuid().ToString("N"),
        GroupId = "group-" + Guid.NewGuid().ToString("N"),
        InstanceId = "instance",
        ActivityId = "cab-vote",
        SubjectKind = "change",
        SubjectId = "RFC-2026-014",
        Kind = "Approval",
        Title = "Vote on RFC-2026-014",
        AssigneeUserId = "voter",
        Outcomes = ["Approved", "Rejected"],
        CommentRequiredFor = ["Rejected"],
        Status = HumanTaskStatus.Open,
        DueAt = T0.AddDays(4),
        CreatedAt = T0,
        Version = 1,
    };

    private static OutboundMessage Message(string taskId, string kind, DateTimeOffset? notBefore) => new()
    {
        Id = "msg-" + Guid.NewGuid().ToString("N"),
        To = [new MailRecipient("voter@example.org")],
        Subject = kind,
        TextBody = "text",
        CorrelationKey = TaskCorrelation.For(taskId),
        Kind = kind,
        NotBefore = notBefore,
    };

    private async Task<InstanceSnapshot> NewInstanceAsync()
    {
        var state = new WorkflowInstanceState
        {
            Id = "instance-" + Guid.NewGuid().ToString("N"),
            DefinitionId = "change-def",
            DefinitionVersionId = "change-def:v1",
            DefinitionVersion = 1,
            Status = WorkflowStatus.Suspended,
            CreatedAt = T0,
            UpdatedAt = T0,
        };
        await Instances.CommitAsync(new InstanceCommit { State = state }, Ct);
        return (await Instances.LoadAsync(state.Id, Ct))!;
    }

    private async Task<InstanceSnapshot> CommitAsync(InstanceSnapshot instance, IReadOnlyList<IRunWrite> writes)
    {
        await Instances.CommitAsync(new InstanceCommit { State = instance.State, ExpectedVersion = instance.Version, Writes = writes }, Ct);
        return (await Instances.LoadAsync(instance.State.Id, Ct))!;
    }
}

/// <summary>Approve by e-mail's stores on a real SQLite file.</summary>
public sealed class SqliteMailLinkStoreTests(SqliteDatabaseFixture fixture)
    : MailLinkStoreContractTests(fixture.Database), IClassFixture<SqliteDatabaseFixture>;

/// <summary>Approve by e-mail's stores on a real PostgreSQL database.</summary>
public sealed class PostgreSqlMailLinkStoreTests(PostgreSqlDatabaseFixture fixture)
    : MailLinkStoreContractTests(fixture.Database), IClassFixture<PostgreSqlDatabaseFixture>;
